# Build the docs site
# syntax=docker/dockerfile:1
FROM hugomods/hugo:exts-0.124.1 AS build
COPY . /src
RUN hugo --minify -s /src -d /public
FROM nginx:1.25-alpine
COPY --from=build /public /usr/share/nginx/html
