FROM rust:1.77-slim AS build
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/app/target \
    <<EOF
set -e
cargo build --release
cp target/release/app /usr/local/bin/app
EOF

FROM debian:bookworm-slim
COPY --from=build /usr/local/bin/app /usr/local/bin/app
CMD ["app"]
