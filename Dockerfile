# One image for the API, the projection worker and the one-shot commands (init, demo).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ledger ledger
COPY api api
COPY projections projections
RUN pip install --no-cache-dir .
# Run as an unprivileged user: a hole in the web stack then cannot touch the image
# or the log keys of another deployment on the host.
RUN useradd --system --uid 10001 --home-dir /data --no-create-home sunledger \
    && mkdir -p /data && chown sunledger:sunledger /data
USER sunledger
# Keys and the SQLite fallback live here; mount a volume so they survive restarts.
ENV SUNLEDGER_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["sunledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
