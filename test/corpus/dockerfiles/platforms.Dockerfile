FROM --platform=linux/amd64 ubuntu:22.04 AS amd
FROM --platform=$TARGETPLATFORM alpine:3.19 AS target
FROM --platform=${BUILDPLATFORM:-linux/amd64} tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build
COPY --from=xx / /
FROM ${TARGETARCH}/alpine:3.19
