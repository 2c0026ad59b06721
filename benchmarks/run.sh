#!/usr/bin/env bash
# Throughput and latency of the public API inquiry (POST /api/v1/visa-inquiry) beside a
# bare Django view doing the same indexed lookup (/bench/baseline/), in one run, against
# gunicorn on PostgreSQL + Redis. Loopback only, bounded in time, stops gunicorn on exit.
#
#   DJANGO_SETTINGS_MODULE=config.settings.benchmark .venv/bin/python benchmarks/generate.py
#   bash benchmarks/run.sh
#
# Environment (defaults): DURATION=20s WARMUP=5s THREADS=2 CONNECTIONS=16 WORKERS=3
# WORKER_CLASS=sync GTHREADS=4 (threads per worker with WORKER_CLASS=gthread) PORT=8077
# DATABASE_URL / REDIS_URL (config/settings/benchmark.py has the local defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.benchmark
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WORKERS:-3}
WORKER_CLASS=${WORKER_CLASS:-sync}
GTHREADS=${GTHREADS:-4}
PORT=${PORT:-8077}
HOST=127.0.0.1
OUT=${OUT:-var/bench}
export PAIRS=${PAIRS:-var/bench/pairs.txt}
mkdir -p "$OUT"
[ -s "$PAIRS" ] || { echo "No $PAIRS: run benchmarks/generate.py first." >&2; exit 1; }

worker_args=(--workers "$WORKERS" --worker-class "$WORKER_CLASS")
[ "$WORKER_CLASS" = gthread ] && worker_args+=(--threads "$GTHREADS")
# No access log: it would cost the same for both endpoints and measure the disk, not Django.
.venv/bin/gunicorn config.wsgi --bind "$HOST:$PORT" "${worker_args[@]}" \
  --backlog 256 --log-level warning >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
stop() {
  kill -TERM "$GUNICORN" 2>/dev/null || true
  wait "$GUNICORN" 2>/dev/null || true
}
trap stop EXIT INT TERM

read -r issued nid <"$PAIRS"
body="{\"issued_number\": \"$issued\", \"national_id\": \"$nid\"}"
for _ in $(seq 100); do  # up to 20 s for the workers to boot
  curl -s -o /dev/null --max-time 2 -X POST -H 'Content-Type: application/json' \
    -d "$body" "http://$HOST:$PORT/bench/baseline/" && break
  kill -0 "$GUNICORN" 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done
for url in /bench/baseline/ /api/v1/visa-inquiry; do  # both answer 200 for a real pair
  code=$(curl -s -o "$OUT/sample.json" -w '%{http_code}' --max-time 5 -X POST \
    -H 'Content-Type: application/json' -d "$body" "http://$HOST:$PORT$url")
  echo "$url -> $code $(head -c 300 "$OUT/sample.json")"
  [ "$code" = 200 ] || { echo "expected 200 from $url" >&2; exit 1; }
done

load() {  # name path: warm up (connections, caches), then measure
  local url="http://$HOST:$PORT$2"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 5s -s benchmarks/post.lua "$url" \
    >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s --latency \
    -s benchmarks/post.lua "$url" >"$OUT/$1.txt"
}
audit_before=$(psql "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/musaned_bench}" -Atc \
  "SELECT count(*) FROM core_auditevent" 2>/dev/null || echo "?")
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
load baseline /bench/baseline/
load api /api/v1/visa-inquiry
echo "gunicorn: $WORKERS $WORKER_CLASS workers$([ "$WORKER_CLASS" = gthread ] && echo " x $GTHREADS threads");" \
  "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION each after $WARMUP warm-up;" \
  "audit rows before the run: $audit_before"
.venv/bin/python benchmarks/report.py "$OUT/baseline.txt" "$OUT/api.txt"
