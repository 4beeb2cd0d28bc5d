ARG TOOLS_IMAGE=ghcr.io/example/tools:3.2
FROM debian:bookworm-slim
ARG TOOLS_IMAGE
ARG HELPER=docker.io/tonistiigi/binfmt:qemu-v8.1.5
COPY --from=${TOOLS_IMAGE} /bin/tool /usr/local/bin/tool
COPY --from=$HELPER /usr/bin/qemu-aarch64 /usr/bin/
COPY --from=${UNDECLARED} /x /x
