# Build wheels in a full image, run in slim.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

FROM base AS builder
RUN pip install --no-cache-dir poetry==1.8.2
WORKDIR /src
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt -o requirements.txt \
 && pip wheel -r requirements.txt -w /wheels

FROM base
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
