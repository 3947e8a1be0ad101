# The portal's image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=mttq_portal.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Build-time only values so collectstatic and compilemessages can import the production settings (neither
# connects to the database). tests/shell/test_production_build.py runs these steps and the CMD.
RUN DJANGO_SECRET_KEY=build TRACKING_SECRET_KEYS=build DATABASE_URL=postgres://build@127.0.0.1:5432/build ALLOWED_HOSTS=localhost PORTAL_BASE_URL=https://build.invalid \
        python manage.py collectstatic --noinput \
    && DJANGO_SECRET_KEY=build TRACKING_SECRET_KEYS=build DATABASE_URL=postgres://build@127.0.0.1:5432/build ALLOWED_HOSTS=localhost PORTAL_BASE_URL=https://build.invalid \
        python manage.py compilemessages --ignore=.venv \
    && useradd --system --uid 1000 portal && mkdir -p /app/media && chown portal /app/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "mttq_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
