# Top comment: parser directives must come before any comment.
# syntax=docker/dockerfile:1

    # An indented comment line.
FROM alpine:3.19 AS base
# FROM commented:out
#FROM also:commented
RUN echo "# FROM in a string" # the rest of the line belongs to the shell
  # COPY --from=commented:1 / /
COPY --from=base /etc/alpine-release /tmp/
