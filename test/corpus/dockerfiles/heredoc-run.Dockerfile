# syntax=docker/dockerfile:1.4
FROM ubuntu:22.04
RUN <<EOF
apt-get update
apt-get install -y curl
# FROM inside a heredoc is just text
FROM evil:latest
EOF
RUN <<-SCRIPT bash
	set -eu
	echo "FROM nope:1"
	SCRIPT
COPY <<EOT /etc/motd
FROM is not an instruction here
COPY --from=ghost:1 / /
EOT
FROM alpine:3.19 AS final
