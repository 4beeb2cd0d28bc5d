FROM alpine:3.19
COPY --from=busybox:1.36.1-musl /bin/busybox /bin/busybox
COPY --from=docker.io/library/golang:1.22 /usr/local/go /usr/local/go
COPY --chown=1000:1000 --from=ghcr.io/grafana/k6:0.49.0 /usr/bin/k6 /usr/bin/k6
COPY --link --from=0 /etc/hosts /tmp/hosts
