FROM eclipse-temurin:17-jdk-jammy
LABEL org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jdk-jammy"
ENV BASE_IMAGE=ubuntu:22.04
ONBUILD COPY . /app
ONBUILD RUN <<EOF
echo building
FROM not-an-instruction:1
EOF
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
