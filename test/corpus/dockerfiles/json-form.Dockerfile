FROM bash:5.2
RUN ["bash", "-c", "cat <<EOF\nhello\nEOF"]
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
FROM alpine:3.19
