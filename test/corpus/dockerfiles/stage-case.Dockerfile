FROM node:20-alpine As Build
RUN npm ci && npm run build
FROM nginx:stable-alpine
COPY --from=BUILD /app/dist /usr/share/nginx/html
COPY --from=build /app/dist /usr/share/nginx/html2
