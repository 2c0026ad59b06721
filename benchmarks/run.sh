#!/usr/bin/env bash
# The load benchmark: every hot path beside a bare Django baseline, at 10,000 and
# 1,000,000 visas, in one run, against gunicorn on PostgreSQL + Redis (loopback only,
# bounded in time, gunicorn stopped on exit). The work is done by benchmarks/load.py;
# this wrapper keeps the environment variables of the first version working.
#
#   .venv/bin/python benchmarks/generate.py --visas 10000
#   .venv/bin/python benchmarks/generate.py --visas 1000000
#   bash benchmarks/run.sh [load.py options, e.g. --rounds 3 --scenarios api,login]
#
# Environment (defaults): DURATION=10 WARMUP=3 THREADS=2 CONNECTIONS=16 WORKERS=3
# WORKER_CLASS=sync GTHREADS=4 PORT=8077 (the 1m server listens on PORT+1).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
exec .venv/bin/python benchmarks/load.py \
  --duration "${DURATION%s}" --warmup "${WARMUP%s}" --threads "${THREADS:-2}" \
  --connections "${CONNECTIONS:-16}" --workers "${WORKERS:-3}" \
  --worker-class "${WORKER_CLASS:-sync}" --gthreads "${GTHREADS:-4}" --port "${PORT:-8077}" "$@"
