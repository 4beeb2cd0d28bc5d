ARG NODE_VERSION
ARG DISTRO=bookworm
FROM node:${NODE_VERSION}-${DISTRO}-slim
RUN node --version
