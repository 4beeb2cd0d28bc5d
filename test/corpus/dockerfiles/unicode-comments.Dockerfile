# Bâtiment de l'image — 日本語のコメント 🚀
FROM alpine:3.19 AS base
LABEL description="café ☕ 🚀"
FROM nginx:1.25
COPY --from=base /etc/alpine-release /srv/
