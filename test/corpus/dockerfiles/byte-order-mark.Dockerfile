# syntax=docker/dockerfile:1.6
FROM alpine:3.19
