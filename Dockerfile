# One image for web, worker, beat and migrate, installed by bin/install as CI installs.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBIAN_FRONTEND=noninteractive

WORKDIR /app
COPY . .
RUN bin/install --production \
    && .venv/bin/python manage.py collectstatic --noinput -v 0 \
    && rm -rf /var/lib/apt/lists/* /root/.cache /root/.npm \
    && useradd --system --uid 10001 --home-dir /app fondadmin \
    && mkdir -p /app/var/media \
    && chown -R fondadmin /app/var

USER fondadmin
ENV PATH=/app/.venv/bin:$PATH \
    FONDADMIN_ENV=production \
    MEDIA_ROOT=/app/var/media
EXPOSE 8000
CMD ["gunicorn", "fondadmin.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--no-control-socket", "--access-logfile", "-"]
