ARG IMAGE="python:3.11-slim"
ARG TAG='3.19'
ARG REGISTRY=registry.example.com:5000
FROM $IMAGE AS py
FROM alpine:${TAG}
FROM ${REGISTRY}/team/app:1.4.2
FROM "${REGISTRY}/team/base:2"
