# syntax=docker/dockerfile:1
#
# kafkats broker image.
#   docker build -t kafkats .
#   docker run -e KAFKA_CFG_ZOOKEEPER_CONNECT=zk:2181 -e KAFKA_CFG_BROKER_ID=0 -p 9092:9092 kafkats
# Configuration comes from Kafka's defaults plus KAFKA_CFG_* environment variables
# (KAFKA_CFG_LOG_RETENTION_MS -> log.retention.ms); a server.properties path may be given as the
# command (`docker run … kafkats /etc/kafkats/server.properties`). docker-compose.yml runs three
# brokers against a three-node ZooKeeper ensemble.

# ---- build: install every dependency, compile TypeScript, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
# A C/C++ toolchain, only in this stage: zstd-napi compiles its addon when no prebuilt binary is available.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/kafkats
COPY . .
# `npm ci` runs the `prepare` script, which builds dist/ (tsc -p tsconfig.build.json).
RUN npm ci && test -f dist/cli/main.js && npm prune --omit=dev

# ---- runtime ----
FROM node:20-bookworm-slim
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
# glibc malloc settings for the broker (lib/server/heap-tuning.ts, BROKER_MALLOC_ENV).
ENV NODE_ENV=production \
    KAFKA_CFG_LOG_DIRS=/var/lib/kafkats/data \
    KAFKA_CFG_KAFKATS_METRICS_PORT=9404 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=524288
USER node
VOLUME ["/var/lib/kafkats/data"]
# 9092: the default PLAINTEXT listener; 9404: Prometheus /metrics and /health.
EXPOSE 9092 9404
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KAFKA_CFG_KAFKATS_METRICS_PORT || '9404') + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/kafkats.js", "server-start"]
CMD []
