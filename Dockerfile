# SafeSlot production image: gunicorn serving wsgi:app; the same image runs the Celery
# worker and beat (see compose.yaml). Dependencies come only from the hashed lock.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements/main.lock requirements/main.lock
RUN pip install --require-hashes -r requirements/main.lock
COPY . .
# Editable install: the code stays in /app beside templates/ and migrations/, which it
# reads at run time; this also provides the `safeslot` command.
RUN pip install --no-deps -e .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAFESLOT_ENV=production
# pg_dump and pg_restore for the nightly backups (Debian 12's client, PostgreSQL 15, the
# server version compose.yaml runs: pg_dump must be at least the server's version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system safeslot \
    && useradd --system --gid safeslot --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin safeslot
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
# The only writable place: Celery beat's schedule state and the backups (a volume).
RUN install -d -o safeslot -g safeslot -m 0700 /app/instance /app/instance/backups
WORKDIR /app
USER safeslot
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "wsgi:app"]
