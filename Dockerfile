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

RUN groupadd --system --gid 10001 pustaka \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin \
       pustaka \
    && mkdir -p /data && chown pustaka:pustaka /data

WORKDIR /app
# The dependencies first, in a layer of their own: a rebuild after a change to the code reuses it.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data
# Installed in place: translations and the sample catalog are read from /app/data. The bytecode
# is written here, as the bot's user cannot write to /app.
RUN pip install --no-deps -e . \
    && pybabel --quiet compile -d data/locales -D pustaka \
    && python -m compileall -q bot cogs

USER pustaka
WORKDIR /data
VOLUME /data
STOPSIGNAL SIGTERM
CMD ["pustaka", "run"]
