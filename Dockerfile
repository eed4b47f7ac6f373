# Archivist: multi-stage build, slim non-root runtime.
# Build:  docker build -t archivist .
# Run:    docker run -e DISCORD_TOKEN=... -v archivist-data:/app/data archivist
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY config ./config
COPY seeds ./seeds
COPY tests ./tests
RUN cargo build --release --locked --bin archivist

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --uid 10001 archivist
WORKDIR /app
COPY --from=build /src/target/release/archivist /usr/local/bin/archivist
COPY config ./config
COPY seeds ./seeds
RUN mkdir -p /app/data && chown archivist /app/data
USER archivist
VOLUME ["/app/data"]
# Secrets come only from the environment: DISCORD_TOKEN, DISCORD_PUBLIC_KEY.
# The index is built (or brought up to date with seeds/) at start.
ENTRYPOINT ["archivist"]
CMD ["serve"]
