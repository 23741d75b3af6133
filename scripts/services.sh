#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer. With DATABASE_URL / REDIS_URL set we only check them;
# otherwise we use the local servers on their default ports and start them if they are installed.
set -euo pipefail

pg_up() { python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1]))); print("up")
except OSError:
    print("down")
PY
}

if [[ -z "${DATABASE_URL:-}" ]]; then
  if [[ "$(pg_up 5432)" != up ]]; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
      echo "Starting PostgreSQL..."
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
      for _ in $(seq 1 30); do [[ "$(pg_up 5432)" == up ]] && break; sleep 1; done
    else
      echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed here." >&2
      echo "Install it (apt-get install postgresql) or set DATABASE_URL, DATABASE_OWNER_URL and DATABASE_ADMIN_URL." >&2
      exit 1
    fi
  fi
  [[ "$(pg_up 5432)" == up ]] || { echo "PostgreSQL did not come up on 127.0.0.1:5432." >&2; exit 1; }
fi

if [[ -z "${REDIS_URL:-}" ]]; then
  if [[ "$(pg_up 6379)" != up ]]; then
    if command -v redis-server >/dev/null 2>&1; then
      echo "Starting Redis..."
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
      for _ in $(seq 1 20); do [[ "$(pg_up 6379)" == up ]] && break; sleep 0.5; done
    else
      echo "Redis is not running on 127.0.0.1:6379 and is not installed here." >&2
      echo "Install it (apt-get install redis-server) or set REDIS_URL." >&2
      exit 1
    fi
  fi
  [[ "$(pg_up 6379)" == up ]] || { echo "Redis did not come up on 127.0.0.1:6379." >&2; exit 1; }
fi
