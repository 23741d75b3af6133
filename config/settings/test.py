"""Test run: real PostgreSQL and Redis, one database per pytest-xdist worker.

The database name carries the xdist worker id so parallel workers never share rows, and a Celery
worker started by the tests (``tests/celery_worker.py``) inherits the same environment and so the
same database and queue.
"""

import os
import uuid

from .base import *  # noqa: F403
from .base import DATABASES, MEDIA_ROOT, env

# PARTNERING_TEST_RUN is chosen once per pytest run, by the first process that loads these settings,
# and inherited by xdist workers and Celery workers started by the tests: two runs on one machine
# (say, a fresh clone beside a working tree) never drop each other's databases or share a queue.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_run = os.environ.setdefault("PARTNERING_TEST_RUN", uuid.uuid4().hex[:8])
TEST_DATABASE_NAME = env("PARTNERING_TEST_DB", default=f"partnering_test_{_run}_{_worker}")
for _alias in DATABASES.values():
    _alias["NAME"] = TEST_DATABASE_NAME
    _alias["CONN_MAX_AGE"] = 0
    _alias["TEST"] = {"NAME": TEST_DATABASE_NAME}

DEBUG = False
# Workers the tests start must see the test process's (temporary) media root: they get it through this.
MEDIA_ROOT = env("PARTNERING_TEST_MEDIA_ROOT", default=str(MEDIA_ROOT))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
CELERY_TASK_DEFAULT_QUEUE = env("PARTNERING_TEST_QUEUE", default=f"partnering-test-{_run}-{_worker}")
CELERY_HEAVY_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-heavy"
CELERY_TASK_ROUTES = {"core.run_job": {"queue": CELERY_HEAVY_QUEUE}}
# Jobs (core/tests/test_jobs.py): the test handlers, a queue for the prefork worker the tests kill,
# and heartbeats fast enough that a dead worker is noticed within seconds.
JOB_EXTRA_HANDLER_MODULES = ["core.tests.job_handlers"]
# Test-only tasks (the tenant probe) that the workers the tests start must know.
CELERY_IMPORTS = ["core.tests.worker_tasks"]
JOB_EXTRA_QUEUES = {"killable": f"{CELERY_TASK_DEFAULT_QUEUE}-killable"}
JOB_HEARTBEAT_SECONDS = 0.25
JOB_STALE_AFTER_SECONDS = 2.0
AXES_FAILURE_LIMIT = 5
LOGGING = {"version": 1, "disable_existing_loggers": False}
