ARG BASE=ubuntu:24.04
ARG BUILDER=${BASE}

FROM ${BUILDER} AS build
RUN echo build > /built

FROM $BASE
COPY --from=build /built /built
