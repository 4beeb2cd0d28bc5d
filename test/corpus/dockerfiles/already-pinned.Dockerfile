FROM node:20-alpine@sha256:545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM nginx@sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
COPY --from=build /app/dist /usr/share/nginx/html
COPY --from=busybox:1.36@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91 /bin/busybox /bin/busybox
