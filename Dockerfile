# Cofinancia: one image for every process (web, worker, scheduler, migrate); the command picks.
#   docker build -t cofinancia .
#   docker run --env-file deploy/cofinancia.env cofinancia                       # web (gunicorn)
#   docker run --env-file ... cofinancia flask --app wsgi worker    # worker
#   docker run --env-file ... cofinancia flask --app wsgi scheduler run           # scheduler
#   docker run --env-file ... cofinancia flask --app wsgi db upgrade              # release
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (Pango, HarfBuzz), the fonts the PDFs name (DejaVu, Liberation), libmagic for
# upload type sniffing.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation \
        libmagic1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cofinancia \
    && useradd --system --uid 10001 --gid cofinancia --home-dir /app --shell /usr/sbin/nologin cofinancia

WORKDIR /app

# Runtime dependencies only: requirements.txt lists them above "# Tests and tooling".
COPY requirements.txt ./
RUN sed '/^# Tests and tooling/,$d' requirements.txt > /tmp/runtime.txt \
    && pip install -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY . .
# What `make translations assets` does: compiled catalogues, fingerprinted gzip static files.
RUN pybabel -q compile -d portal/translations -D messages \
    && python -m portal.core.assets static build/static \
    && mkdir -p /app/instance /var/lib/cofinancia \
    && chown cofinancia:cofinancia /app/instance /var/lib/cofinancia

USER cofinancia

ENV PORTAL_ENV=production \
    GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000

# Liveness only (the process answers); the proxy uses /readyz for routing.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["gunicorn", "-c", "config/gunicorn.py", "wsgi:app"]
