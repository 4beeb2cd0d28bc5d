FROM python:3.12-alpine
COPY <<-"EOT" /app/config.ini <<'PY' /app/main.py
	[server]
	image = nginx:1.25
	EOT
import sys
print("FROM python:3.11")
PY
RUN python /app/main.py
FROM nginx:1.25-alpine
