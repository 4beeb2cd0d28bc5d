FROM golang:1.22 AS tools
RUN go install github.com/go-delve/delve/cmd/dlv@latest

FROM debian:bookworm
RUN --mount=type=bind,from=tools,source=/go/bin,target=/tools cp /tools/dlv /usr/local/bin/
RUN --mount=type=bind,from=alpine:3.19,source=/etc/apk,target=/apk ls /apk
RUN --mount=type=cache,id=apt,from=ghcr.io/example/apt-cache:2024.03,target=/var/cache/apt,sharing=locked \
    apt-get update
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc true
