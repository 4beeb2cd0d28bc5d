FROM \
    # the base image comes next
    debian:bookworm-slim \
    AS base

RUN apt-get update && \
    # install tools
    apt-get install -y \

    curl \
    jq

FROM \

  base
COPY \
  --from=base \
  /etc/os-release /tmp/
