# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY classifier ./classifier
RUN python -m venv /opt/vaglio && /opt/vaglio/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 vaglio
COPY --from=build /opt/vaglio /opt/vaglio
ENV PATH=/opt/vaglio/bin:$PATH \
    VAGLIO_DATA_DIR=/var/lib/vaglio \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/vaglio && chown vaglio:vaglio /var/lib/vaglio
USER vaglio
VOLUME ["/var/lib/vaglio"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["vaglio", "serve", "--host", "0.0.0.0", "--port", "8000"]
