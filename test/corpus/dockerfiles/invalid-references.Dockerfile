FROM Alpine:3.19
FROM https://example.com/app:1
FROM alpine:3.19 AS ok
