# Pins live in the ARG default so every stage built on it shares them.
ARG BASE_IMAGE=python:3.12-slim@sha256:a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333
FROM ${BASE_IMAGE} AS runtime
COPY --from=python:3.12-slim@sha256:545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446 /usr/local/bin/python3 /opt/python3
FROM ${BASE_IMAGE}
