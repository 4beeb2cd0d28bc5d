FROM alpine:3.19
COPY --from="nginx:1.25-alpine" /etc/nginx /etc/nginx
COPY --from='caddy:2.7' /usr/bin/caddy /usr/bin/caddy
RUN --mount="type=bind,from=busybox:1.36,target=/bb" ls /bb
FROM "redis:7.2-alpine"
