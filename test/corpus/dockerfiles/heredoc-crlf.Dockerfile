FROM alpine:3.19
RUN <<EOF
echo hello
FROM fake:1
EOF
COPY --from=golang:1.22-alpine /usr/local/go /usr/local/go
