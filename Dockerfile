# LUMIT: build the API and the web app, then ship them in a small image.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN rustup target add wasm32-unknown-unknown
COPY . .
RUN cargo xtask web && cargo build --release -p lumit-api --bin lumit

FROM debian:bookworm-slim
RUN useradd --system --home /data --uid 10001 lumit && mkdir -p /data /app/web && chown lumit /data
COPY --from=build /src/target/release/lumit /usr/local/bin/lumit
COPY --from=build /src/web/dist /app/web
USER lumit
ENV LUMIT_BIND=0.0.0.0:8080 \
    LUMIT_DATA_DIR=/data \
    LUMIT_WEB_DIR=/app/web \
    LUMIT_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["lumit", "healthcheck"]
ENTRYPOINT ["lumit"]
CMD ["serve"]
