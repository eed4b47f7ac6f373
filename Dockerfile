# Archivist: multi-stage build, slim non-root runtime.
#   docker build -t archivist .
#   HTTP interactions endpoint (default; health-checked):
#     docker run -p 8080:8080 -e DISCORD_PUBLIC_KEY=... -v archivist-data:/app/data archivist
#   Gateway bot instead:
#     docker run --no-healthcheck -e DISCORD_TOKEN=... -v archivist-data:/app/data archivist serve
# Secrets come only from the environment (DISCORD_TOKEN, DISCORD_PUBLIC_KEY), never the image.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY config ./config
# WordNet and the chart font, compiled into the binary.
COPY assets ./assets
COPY migrations ./migrations
RUN cargo build --release --locked --bin archivist

FROM debian:bookworm-slim
# ca-certificates follows the distribution's security updates: not pinned on purpose.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app --uid 10001 archivist
WORKDIR /app
COPY --from=build /src/target/release/archivist /usr/local/bin/archivist
COPY config ./config
COPY seeds ./seeds
# /add writes each server's uploads into seeds/guild-<id>/.
RUN mkdir -p /app/data && chown archivist /app/data /app/seeds
USER 10001
# The index lives here; it is built (or brought up to date with seeds/) at start.
VOLUME ["/app/data"]
EXPOSE 8080
ENV ARCHIVIST__HTTP__LISTEN=0.0.0.0:8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["archivist", "healthcheck", "127.0.0.1:8080"]
ENTRYPOINT ["archivist"]
CMD ["serve-http"]
