# digestguard as a container image: `docker build -t digestguard .` from a
# clone. The base image is pinned by digest and recorded in digestguard.lock;
# `dg pin --check Dockerfile` (run by the tests) proves the two agree.
FROM node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293 AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# npm pack runs the build (prepack) and packs exactly what npm would publish.
RUN npm pack --pack-destination /tmp && mv /tmp/digestguard-*.tgz /tmp/digestguard.tgz

FROM node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293
COPY --from=build /tmp/digestguard.tgz /tmp/digestguard.tgz
RUN npm install --global --omit=dev /tmp/digestguard.tgz && rm /tmp/digestguard.tgz && npm cache clean --force
# The image's own unprivileged user (uid 1000); mount the project at /work.
USER node
WORKDIR /work
ENTRYPOINT ["dg"]
CMD ["--help"]
