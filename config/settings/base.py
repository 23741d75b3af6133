"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (django-environ);
``production.py`` only tightens security defaults. Two database roles are used on purpose:

* ``default`` connects as the *application* role: not superuser, not BYPASSRLS, not the owner of
  any table, so PostgreSQL Row-Level Security applies to every query the application runs.
* ``owner`` connects as the role that owns the schema. Only ``migrate --database owner`` uses it.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "core",  # first: its makemigrations/migrate overrides add Row-Level Security automatically
    "core.admin_config.ProgramOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_results",
    "django_celery_beat",
    "partnering",
    "projects",
    "dashboards",
    "knowledge",
    "stats_backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.TenantContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HistoryContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://partnering_app:partnering_app@127.0.0.1:5432/partnering"),
    "owner": env.db(
        "DATABASE_OWNER_URL",
        default="postgres://partnering_owner:partnering_owner@127.0.0.1:5432/partnering",
    ),
}
for _alias in DATABASES.values():
    _alias.setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    _alias["CONN_HEALTH_CHECKS"] = True
    _alias["ATOMIC_REQUESTS"] = False
# The superuser URL is used only by ``manage.py db_bootstrap`` to create the roles and database.
DATABASE_ADMIN_URL = env("DATABASE_ADMIN_URL", default="postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_ROUTERS = ["core.db.routers.OwnerOnlyForMigrationsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "root"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account (per e-mail and client IP) after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.members.lockout_response"  # JSON for the API, a page for people
AXES_USERNAME_FORM_FIELD = "email"  # the credential key our sign-in form and token view pass
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Data sets of the statistical back office (stats_backoffice/files.py): local files under MEDIA_ROOT by default;
# in production an S3-compatible store by naming its backend and options, e.g. DATASETS_STORAGE_BACKEND=
# storages.backends.s3.S3Storage with DATASETS_STORAGE_OPTIONS='{"bucket_name": "…", "endpoint_url": "…"}'.
STORAGES["datasets"] = {
    "BACKEND": env("DATASETS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env.json("DATASETS_STORAGE_OPTIONS", default={}),
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Partnering <noreply@partnering.local>")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnering API",
    "DESCRIPTION": (
        "Customer-partnered Lean Six Sigma programs. Tenant-owned resources live under "
        "`/api/v1/t/{tenant_slug}/`. Authenticate with a session or `Authorization: Token <token>` "
        "from `POST /api/v1/auth/token/`. Errors share one shape: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set that fields named alike in several components share.
    "ENUM_NAME_OVERRIDES": {"PhaseEnum": "projects.models.Phase"},
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay below the broker's visibility timeout, so a running task is never handed to a
# second worker while the first is still on it.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
# Two queues. "default": e-mail, reminders, the job sweeper: short tasks that must not wait.
# "heavy": long jobs (core.jobs), on a worker of its own with longer time limits and a memory cap
# per pool child, so one big analysis can neither delay an e-mail nor grow a worker without bound.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="default")
CELERY_HEAVY_QUEUE = env("CELERY_HEAVY_QUEUE", default="heavy")
# The job runner is sent with queue= from each kind's registration; this route is the fallback.
CELERY_TASK_ROUTES = {"core.run_job": {"queue": CELERY_HEAVY_QUEUE}}
# Options of the heavy worker (`make run`, docker-compose: config.celery.heavy_worker_args). Its
# hard limit, like every other, stays below the visibility timeout.
CELERY_HEAVY_TIME_LIMIT = env.int("CELERY_HEAVY_TIME_LIMIT", default=100 * 60)
CELERY_HEAVY_SOFT_TIME_LIMIT = env.int("CELERY_HEAVY_SOFT_TIME_LIMIT", default=95 * 60)
CELERY_HEAVY_CONCURRENCY = env.int("CELERY_HEAVY_CONCURRENCY", default=1)
# KiB of resident memory after which a pool child is replaced (once its current task is done).
CELERY_HEAVY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_HEAVY_WORKER_MAX_MEMORY_PER_CHILD", default=2 * 1024 * 1024)
CELERY_HEAVY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_HEAVY_WORKER_MAX_TASKS_PER_CHILD", default=20)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Reminders of the partnering module (partnering/tasks.py); beat syncs these into its database
# schedule. Times are UTC (CELERY_TIMEZONE).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "partnering-review-reminders": {
        "task": "partnering.send_review_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "partnering-action-digests": {
        "task": "partnering.send_action_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}
# Reminders of the dashboards module (dashboards/tasks.py): ratings due before quarter end, missing results.
CELERY_BEAT_SCHEDULE |= {
    "dashboards-rating-reminders": {
        "task": "dashboards.send_rating_reminders",
        "schedule": crontab(hour=6, minute=15),
    },
    "dashboards-results-reminders": {
        "task": "dashboards.send_results_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}

# The job sweeper (core.tasks.sweep_jobs): ends jobs whose worker died. Expires so that sweeps do
# not pile up while no worker runs.
CELERY_BEAT_SCHEDULE |= {
    "core-sweep-jobs": {"task": "core.sweep_jobs", "schedule": 60.0, "options": {"expires": 50}},
}
# Jobs (core.jobs, docs/architecture.md, "Jobs"). A running job beats every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_STALE_AFTER_SECONDS lost its worker and is failed by the sweeper, as is a job still queued
# after JOB_QUEUED_STALE_AFTER_SECONDS. A job whose worker died is started again until it has run
# JOB_MAX_ATTEMPTS times.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=15.0)
JOB_STALE_AFTER_SECONDS = env.float("JOB_STALE_AFTER_SECONDS", default=180.0)
JOB_QUEUED_STALE_AFTER_SECONDS = env.float("JOB_QUEUED_STALE_AFTER_SECONDS", default=12 * 60 * 60.0)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)
# Modules with job handlers beyond every app's jobs.py (the tests add theirs).
JOB_EXTRA_HANDLER_MODULES: list[str] = []

# Statistical back office (stats_backoffice/jobs.py, docs/stats-engine.md). STATS_ENGINE: "dask" runs the
# streamed reductions as Dask tasks, in the worker's process (threads) unless DASK_SCHEDULER_ADDRESS names a
# Dask scheduler (tcp://host:8786), which then spreads them over its workers; "chunked" streams without Dask;
# "memory" loads the table at once. Soft time limit of a run in seconds (below the heavy worker's own).
STATS_ENGINE = env("STATS_ENGINE", default="dask")
DASK_SCHEDULER_ADDRESS = env("DASK_SCHEDULER_ADDRESS", default="")
STATS_JOB_TIME_LIMIT = env.int("STATS_JOB_TIME_LIMIT", default=90 * 60)
STATS_BLOCK_ROWS = env.int("STATS_BLOCK_ROWS", default=0) or None

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Partnering -----------------------------------------------------------------------------
# Absolute base URL for links in e-mails sent by tasks (no request there to build it from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# When set, every response carries X-Query-Count (used by bench/ to report queries per request).
PARTNERING_QUERY_COUNT_HEADER = env.bool("PARTNERING_QUERY_COUNT_HEADER", default=False)
