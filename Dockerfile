# One image for the API and the projection worker.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ledger ledger
COPY api api
COPY projections projections
RUN pip install --no-cache-dir .
# Keys and the SQLite fallback live here; mount a volume so they survive restarts.
ENV SUNLEDGER_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
CMD ["sunledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
