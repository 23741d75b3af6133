#!/usr/bin/env bash
# `make test`: lint, types, migrations, RLS audit, compose validation, then the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
BIN=.venv/bin
step() { printf '\n== %s\n' "$*"; }

scripts/ensure_system_deps.sh
scripts/services.sh
mkdir -p var artifacts

step "ruff"
$BIN/ruff check .
$BIN/ruff format --check .

step "mypy"
$BIN/mypy .

step "layering (import-linter: a lower app never imports a higher one)"
$BIN/lint-imports --no-cache --no-logo

step "rls_audit and makemigrations --check (fresh database migrated as the owner role)"
export PARTNERING_TEST_DB="partnering_audit_$$"
$BIN/python manage.py db_bootstrap --recreate
$BIN/python manage.py migrate --database owner --noinput -v 0
$BIN/python manage.py rls_audit
$BIN/python manage.py makemigrations --check --dry-run
$BIN/python manage.py db_bootstrap --drop
unset PARTNERING_TEST_DB

step "OpenAPI schema"
$BIN/python manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml

step "docker compose config"
if docker compose version >/dev/null 2>&1; then docker compose config -q; else docker-compose config -q; fi
echo "docker-compose.yml is valid"

step "Django deploy checks (production settings)"
DJANGO_SECRET_KEY="ci-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-long-enough-for-the-check" \
DJANGO_ALLOWED_HOSTS=partnering.example.com DATABASE_URL=postgres://app:app@127.0.0.1:5432/partnering \
DATABASE_OWNER_URL=postgres://owner:owner@127.0.0.1:5432/partnering REDIS_URL=redis://127.0.0.1:6379/0 \
DJANGO_SETTINGS_MODULE=config.settings.production $BIN/python manage.py check --deploy --fail-level WARNING

step "pytest (unit, integration with a real Celery worker, browser in headless Chromium)"
$BIN/pytest -n "${PYTEST_WORKERS:-2}" --durations=10 "$@"
