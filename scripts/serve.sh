#!/usr/bin/env bash
# Serve the portal on http://127.0.0.1:8000. With REDIS_URL set, a Celery worker (with
# the beat scheduler embedded) runs beside it and stops with it; without, tasks run
# in-process and no worker is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
worker_pid=""
cleanup() { [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  echo "Starting the Celery worker (broker: $REDIS_URL)"
  $BIN/celery -A portal worker --beat --loglevel=INFO --concurrency=2 \
    --schedule=var/celerybeat-schedule &
  worker_pid=$!
else
  echo "No REDIS_URL: background tasks run in-process."
fi
$BIN/python manage.py runserver 127.0.0.1:${PORT:-8000}
