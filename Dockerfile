# syntax=docker/dockerfile:1
#
# kafkats broker image.
#   docker build -t kafkats .
#   docker run -e KAFKA_CFG_ZOOKEEPER_CONNECT=zk:2181 -e KAFKA_CFG_BROKER_ID=0 -p 9092:9092 kafkats
# Configuration comes from Kafka's defaults plus KAFKA_CFG_* environment variables
# (KAFKA_CFG_LOG_RETENTION_MS -> log.retention.ms) or the Confluent image's names for known keys
# (KAFKA_LOG_RETENTION_MS; KAFKA_CFG_* wins); a server.properties path may be given as the
# command (`docker run … kafkats /etc/kafkats/server.properties`). docker-compose.yml runs three
# brokers against a three-node ZooKeeper ensemble.

# ---- build: install every dependency, compile TypeScript, then drop the dev dependencies ----
FROM node:24-bookworm-slim AS build
# No toolchain: every dependency installs from the npm registry as it is (zstd is node:zlib's or
# WebAssembly, lz4-napi's binary ships in its registry package).
WORKDIR /opt/kafkats
COPY . .
# `npm ci` runs the `prepare` script, which builds dist/ (tsc -p tsconfig.build.json).
RUN npm ci && test -f dist/cli/main.js && npm prune --omit=dev

# ---- runtime ----
FROM node:24-bookworm-slim
# tini as PID 1 forwards SIGTERM to the broker (controlled shutdown) and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/kafkats/data \
 && chown -R node:node /var/lib/kafkats
WORKDIR /opt/kafkats
COPY --from=build /opt/kafkats/package.json ./package.json
COPY --from=build /opt/kafkats/node_modules ./node_modules
COPY --from=build /opt/kafkats/dist ./dist
COPY --from=build /opt/kafkats/bin ./bin
COPY --from=build /opt/kafkats/config ./config
COPY --from=build /opt/kafkats/console-ui ./console-ui
# The image's broker defaults use the Confluent names, the weaker environment form, so that a user's
# KAFKA_LOG_DIRS or KAFKA_CFG_LOG_DIRS replaces them. /metrics binds every interface in the image
# (published with -p, and the health check below reaches it on 127.0.0.1, whatever the listeners'
# host). glibc malloc settings for the broker (lib/server/heap-tuning.ts, BROKER_MALLOC_ENV).
ENV NODE_ENV=production \
    KAFKA_LOG_DIRS=/var/lib/kafkats/data \
    KAFKA_KAFKATS_METRICS_PORT=9404 \
    KAFKA_KAFKATS_METRICS_HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=524288
USER node
VOLUME ["/var/lib/kafkats/data"]
# 9092: the default PLAINTEXT listener; 9404: Prometheus /metrics and /health.
EXPOSE 9092 9404
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${KAFKA_CFG_KAFKATS_METRICS_PORT:-${KAFKA_KAFKATS_METRICS_PORT:-9404}} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/kafkats.js", "server-start"]
CMD []
