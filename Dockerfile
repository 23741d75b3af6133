# Partnering application image, shared by the web (gunicorn), worker and beat (Celery) services.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, for layer caching: pyproject.toml declares `packages = []`, so `pip install .`
# installs only the dependencies. This layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

# Then the source. It stays owned by root (read-only for the app); only var/ (collectstatic output,
# media) is writable by the unprivileged user the containers run as.
COPY . .
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p var/staticfiles var/media \
    && chown -R app:app var

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
