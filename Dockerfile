# Pustaka in a container: small, not root, the database on a volume, tokens from the environment.
#   docker build -t pustaka .
#   docker run -d --restart unless-stopped -v pustaka-data:/data \
#     -e PUSTAKA_TELEGRAM_TOKEN=… -e PUSTAKA_DISCORD_TOKEN=… pustaka
# A config.toml placed in the volume (/data/config.toml) is read; without one every default holds.
# BASE is for trying the file where Docker Hub cannot be reached (deploy/try-container.sh).
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data
# Installed in place: translations and the sample catalog are read from /app/data.
RUN pip install -e . \
    && pybabel --quiet compile -d data/locales -D pustaka \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin pustaka \
    && mkdir -p /data && chown pustaka /data

USER pustaka
WORKDIR /data
VOLUME /data
STOPSIGNAL SIGTERM
CMD ["pustaka", "run"]
