#!/usr/bin/env bash
# Builds the kafkats image and runs docker-compose.yml end to end: the 3-node ZooKeeper ensemble and
# 3 brokers come up healthy, a topic with 3 replicas is created, records are produced with acks=all
# and consumed back through the EXTERNAL listener (localhost:9092..9094, this repository's CLI),
# then everything is removed (`docker compose down -v`).
#
#   npm run build && scripts/docker-compose-check.sh
#
# Where no Docker engine answers, it says so and exits 0 without claiming anything was checked.
# The base images (node:24-bookworm-slim, zookeeper:3.8) must be pullable or already present.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "docker-compose check: $*"; }

if ! command -v docker >/dev/null 2>&1; then
  say "SKIPPED: no docker command here; nothing was built or run"
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  say "SKIPPED: no Docker engine answers here (docker info failed); nothing was built or run"
  exit 0
fi
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  say "FAILED: a Docker engine runs but neither 'docker compose' nor docker-compose is installed"
  exit 1
fi
[ -f dist/cli/main.js ] || { say "FAILED: run 'npm run build' first (the host side produces and consumes with bin/kafkats.js)"; exit 1; }

for image in node:24-bookworm-slim zookeeper:3.8; do
  if ! docker image inspect "$image" >/dev/null 2>&1 && ! docker pull -q "$image" >/dev/null; then
    say "FAILED: base image $image is neither present nor pullable"
    exit 1
  fi
done

project="kafkats-check-$$"
down() { "${compose[@]}" -p "$project" down -v --remove-orphans >/dev/null 2>&1 || true; }
trap down EXIT

started=$(date +%s)
"${compose[@]}" -p "$project" build
"${compose[@]}" -p "$project" up -d

# Every service healthy (ZooKeeper quorum, brokers' /health), within 5 minutes.
deadline=$((started + 300))
while :; do
  unhealthy=0
  for id in $("${compose[@]}" -p "$project" ps -q); do
    [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")" = healthy ] || unhealthy=$((unhealthy + 1))
  done
  services=$("${compose[@]}" -p "$project" ps -q | wc -l)
  [ "$unhealthy" -eq 0 ] && [ "$services" -eq 6 ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    "${compose[@]}" -p "$project" ps
    "${compose[@]}" -p "$project" logs --tail 50
    say "FAILED: $unhealthy of $services services not healthy after 300 s"
    exit 1
  fi
  sleep 3
done
say "6 services healthy in $(($(date +%s) - started)) s"

bootstrap=localhost:9092,localhost:9093,localhost:9094
topic="compose-check-$$"
node bin/kafkats.js topics --bootstrap-server "$bootstrap" --create --topic "$topic" --partitions 3 --replication-factor 3
node bin/kafkats.js topics --bootstrap-server "$bootstrap" --describe --topic "$topic"
seq 1 1000 | sed 's/^/record-/' | node bin/kafkats.js console-producer --bootstrap-server "$bootstrap" --topic "$topic" --acks all
consumed=$(node bin/kafkats.js console-consumer --bootstrap-server "$bootstrap" --topic "$topic" --from-beginning --max-messages 1000 --timeout-ms 30000 | sort -u | wc -l)
if [ "$consumed" -ne 1000 ]; then
  say "FAILED: produced 1000 records through the EXTERNAL listener, consumed $consumed distinct ones"
  exit 1
fi
say "PASSED: 1000 records produced (acks=all, 3 replicas, min.insync.replicas=2) and consumed through localhost:9092..9094 in $(($(date +%s) - started)) s"
