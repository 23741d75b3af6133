#!/usr/bin/env bash
# `make run`: bring the whole application up on this machine; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
mkdir -p var

scripts/prepare_db.sh
$PY manage.py collectstatic --noinput -v 0

pids=()
stopping=""
stop() {
  stopping=1
  trap - INT TERM EXIT
  echo; echo "Stopping web server and workers..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM  # Ctrl-C is the normal way to stop: exit cleanly
trap stop EXIT

# Queue names and the heavy worker's limits come from the settings (CELERY_HEAVY_*).
DEFAULT_QUEUE=$($PY -c 'from django.conf import settings; print(settings.CELERY_TASK_DEFAULT_QUEUE)')
read -r -a HEAVY_ARGS <<<"$($PY -c 'from config.celery import heavy_worker_args as a; print(*a())')"

# Each server runs in its own session (setsid): Ctrl-C reaches only this script, which then stops
# them in order. Without it the terminal's SIGINT hits them too, and one dying first looked like a crash.
# The default worker (e-mail, reminders, beat with the job sweeper) and the heavy worker (long jobs)
# are separate, so an analysis never delays an e-mail.
setsid .venv/bin/celery -A config worker --beat --loglevel INFO --concurrency 2 -Q "$DEFAULT_QUEUE" \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
pids+=($!)
setsid .venv/bin/celery -A config worker --loglevel INFO "${HEAVY_ARGS[@]}" >var/celery-heavy.log 2>&1 &
pids+=($!)
setsid .venv/bin/gunicorn config.wsgi --bind "$HOST:$PORT" --workers 3 --access-logfile - \
  --error-logfile - >var/gunicorn.log 2>&1 &
pids+=($!)

for _ in $(seq 1 40); do
  if $PY -c "import urllib.request,sys; urllib.request.urlopen('http://$HOST:$PORT/accounts/login/', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.5
done

cat <<MSG

  Partnering is running at  http://$HOST:$PORT/
  API docs:                 http://$HOST:$PORT/api/docs/
  Program office admin:     http://$HOST:$PORT/admin/
  Logs: var/gunicorn.log, var/celery.log, var/celery-heavy.log        Stop: Ctrl-C

  Demo logins (password: ${DEMO_PASSWORD:-partnering-demo}):
MSG
$PY - <<'PY'
import json
for row in json.load(open("var/demo-logins.json")):
    account = f"  ({row['customer_account']})" if row["customer_account"] else ""
    print(f"    {row['tenant']:<9} {row['role']:<10} {row['email']}{account}")
PY
echo
wait -n "${pids[@]}" || true  # returns when Ctrl-C arrives or when one of the three dies
[[ -n "$stopping" ]] && exit 0
echo "A process exited on its own; see var/gunicorn.log, var/celery.log and var/celery-heavy.log." >&2
exit 1
