#!/bin/sh
# Build the image and run it as README "In a container" says, against the loopback fake Telegram
# (tests/container.py: not root, /start answered, the database on the volume, a reminder and an
# RSVP kept over `docker kill` + `docker start` and over a new container, `pustaka status` and
# `pustaka backup` through `docker exec`, a clean `docker stop`). Needs Docker and the checkout's
# .venv (`make .venv/.installed-stamp`); `make test` never runs it.
#
#   deploy/try-container.sh                     # FROM python:3.11-slim
#   BASE=my-registry/python:3.11-slim deploy/try-container.sh
set -eu
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-pustaka}

if [ -n "${BASE:-}" ]; then
    docker build --build-arg "BASE=$BASE" -t "$IMAGE" .
else
    docker build -t "$IMAGE" .
fi
if docker compose version >/dev/null 2>&1; then
    docker compose config --quiet && echo "✓ docker compose config: compose.yaml is valid"
elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose config --quiet && echo "✓ docker-compose config: compose.yaml is valid"
fi
.venv/bin/python -m tests.container --image "$IMAGE"
docker image ls "$IMAGE"
