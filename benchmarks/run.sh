#!/usr/bin/env bash
# Throughput and latency of the public API inquiry beside a bare Django view doing the
# same indexed lookup, in one run, against gunicorn on PostgreSQL + Redis (loopback only).
#   bash benchmarks/run.sh            # after benchmarks/generate.py
# DURATION (default 20s), CONNECTIONS (16), WORKERS (4) may be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.benchmark
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8077}
OUT=var/bench
mkdir -p "$OUT"

.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --worker-class sync --access-logfile - --log-level warning >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/bench/baseline/" -X POST -d '{"issued_number":"0","national_id":"0"}' && break
  sleep 0.2
done

run() {  # name url
  # Warm up (connections, caches), then measure.
  wrk -t2 -c"$CONNECTIONS" -d3s -s benchmarks/post.lua "$2" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s benchmarks/post.lua "$2" >"$OUT/$1.txt"
}
run baseline "http://127.0.0.1:$PORT/bench/baseline/"
run api "http://127.0.0.1:$PORT/api/v1/visa-inquiry"
.venv/bin/python benchmarks/report.py "$OUT/baseline.txt" "$OUT/api.txt"
