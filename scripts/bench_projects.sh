#!/usr/bin/env bash
# The projects bench measures exactly 5,000 projects (`seed_demo --scale 200 --projects 5000`): it runs on
# its own scratch database (the other benches leave their own accounts in the local one), dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.local
export DATABASE_URL="postgres://partnering_app:partnering_app@127.0.0.1:5432/partnering_bench_projects"
export DATABASE_OWNER_URL="postgres://partnering_owner:partnering_owner@127.0.0.1:5432/partnering_bench_projects"
trap '.venv/bin/python manage.py db_bootstrap --drop >/dev/null' EXIT
.venv/bin/python manage.py db_bootstrap --recreate >/dev/null
.venv/bin/python manage.py migrate --database owner --noinput -v 0
.venv/bin/python bench/bench_projects.py --scale "${SCALE:-200}" --projects "${PROJECTS:-5000}" "$@"
