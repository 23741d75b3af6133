#!/usr/bin/env bash
# The dashboards bench measures exactly `seed_demo --scale 200`: it runs on its own scratch database
# (the partnering bench leaves 500 accounts in the local one), which it drops afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.local
export DATABASE_URL="postgres://partnering_app:partnering_app@127.0.0.1:5432/partnering_bench_dashboards"
export DATABASE_OWNER_URL="postgres://partnering_owner:partnering_owner@127.0.0.1:5432/partnering_bench_dashboards"
trap '.venv/bin/python manage.py db_bootstrap --drop >/dev/null' EXIT
.venv/bin/python manage.py db_bootstrap --recreate >/dev/null
.venv/bin/python manage.py migrate --database owner --noinput -v 0
.venv/bin/python bench/bench_dashboards.py --scale "${SCALE:-200}" "$@"
