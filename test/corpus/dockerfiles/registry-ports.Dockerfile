FROM localhost:5000/base/debian:12 AS base
FROM 127.0.0.1:5000/tools/builder AS builder
FROM [::1]:5000/app/runtime:2.1
COPY --from=registry.internal.example.com:8443/shared/assets:latest /assets /srv/assets
FROM registry.gitlab.com/group/project/image:v1.2.3-rc.1
