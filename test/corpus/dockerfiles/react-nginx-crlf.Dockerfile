# syntax=docker/dockerfile:1
ARG NODE_IMAGE=node:18.19-alpine3.19
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci \
    && npm cache clean --force
COPY . .
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.25-alpine \
    AS runtime
COPY --from=build /app/build /usr/share/nginx/html
