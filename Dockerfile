# The Python CI tests with (.ci/run runs on 3.11).
FROM python:3.11-slim
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/polku
COPY pyproject.toml uv.lock README.md ./
# No test tools and no embedded servers: the image names its servers in the environment.
# `--build-arg EXTRAS=otel` adds OpenTelemetry tracing.
ARG EXTRAS=""
RUN uv sync --frozen --no-default-groups --no-install-project ${EXTRAS:+--extra $EXTRAS}
COPY service ./service
COPY db ./db
COPY workers ./workers
RUN uv sync --frozen --no-default-groups ${EXTRAS:+--extra $EXTRAS}
ENV PATH="/opt/polku/bin:$PATH"
RUN useradd --system --home /app polku
USER polku
EXPOSE 8000
CMD ["polku", "serve"]
