FROM alpine:3.19 AS base
FROM nginx:\
1.25
FROM ${MISSING:?required}
