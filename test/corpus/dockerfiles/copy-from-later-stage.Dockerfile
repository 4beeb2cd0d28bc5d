FROM alpine:3.19 AS first
COPY --from=second /etc/motd /etc/motd
FROM busybox:1.36 AS second
RUN echo hi > /etc/motd
