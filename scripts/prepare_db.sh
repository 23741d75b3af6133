#!/usr/bin/env bash
# Services up, roles and database created, migrated as the owner, demo data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
PY=.venv/bin/python
scripts/services.sh
mkdir -p var
$PY manage.py db_bootstrap --if-possible
$PY manage.py migrate --database owner --noinput -v 0
$PY manage.py seed_demo --password "${DEMO_PASSWORD:-partnering-demo}" --json var/demo-logins.json >/dev/null
