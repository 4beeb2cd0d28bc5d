ARG UNSET
ARG EMPTY=
ARG FLAVOR=slim
FROM ${UNSET:-debian:bookworm} AS a
FROM ${EMPTY:-debian:trixie} AS b
FROM ${EMPTY-debian:sid} AS c
FROM python:3.12${FLAVOR:+-}${FLAVOR} AS d
FROM ${FLAVOR:+alpine:3.19} AS e
