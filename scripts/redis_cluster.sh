#!/usr/bin/env bash
# A project-local Redis Cluster for tests: three masters (no replicas) on 127.0.0.1, data and
# nodes.conf under .local/redis-cluster/<port>/. Point the project at it with
#   REDIS_CLUSTER_URLS=redis://127.0.0.1:63801,redis://127.0.0.1:63802,redis://127.0.0.1:63803
#
# Usage: scripts/redis_cluster.sh {start|stop|status|urls}   (urls: print REDIS_CLUSTER_URLS' value)
#
#   AIGO_REDIS_CLUSTER_PORTS  the masters' ports (default "63801 63802 63803")
#
# Each node's cluster bus uses port - 10000 (53801...).
# `start` is idempotent: running nodes are left alone, restarted nodes rejoin through their
# nodes.conf, and a cluster that cannot become healthy is reset and created again (it only
# ever holds test data). `status` exits 0 when the cluster is up and healthy, 3 otherwise.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA_DIR="$REPO_ROOT/.local/redis-cluster"
read -r -a PORTS <<<"${AIGO_REDIS_CLUSTER_PORTS:-63801 63802 63803}"

log() { echo "redis-cluster: $*"; }
die() { echo "redis-cluster: $*" >&2; exit 1; }

cli() { redis-cli -h 127.0.0.1 -p "$@"; }
ping_node() { [[ "$(cli "$1" ping 2>/dev/null)" == PONG ]]; }
info_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }

# Healthy: every node answers and sees the whole cluster with all slots served.
healthy() {
  local port
  for port in "${PORTS[@]}"; do
    [[ "$(info_field "$port" cluster_state)" == ok ]] || return 1
    [[ "$(info_field "$port" cluster_known_nodes)" == "${#PORTS[@]}" ]] || return 1
  done
}

wait_healthy() {
  local i
  for ((i = 0; i < ${1:-50}; i++)); do
    healthy && return 0
    sleep 0.2
  done
  return 1
}

start_node() {
  local port=$1 dir="$DATA_DIR/$1"
  if ping_node "$port"; then
    return 0
  fi
  mkdir -p "$dir"
  # In memory only, like scripts/services.sh's Redis; nodes.conf keeps the cluster's shape.
  # The cluster bus listens 10000 BELOW the port: the default (10000 above) does not fit in 65535.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" \
    --save '' --appendonly no \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --cluster-port $((port - 10000)) \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  local i
  for ((i = 0; i < 50; i++)); do
    ping_node "$port" && return 0
    sleep 0.2
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "node $port failed to start (log .local/redis-cluster/$port/redis.log)"
}

create_cluster() {
  local port nodes=()
  for port in "${PORTS[@]}"; do
    # A node from an older, different cluster must forget it before it can join a new one.
    if [[ "$(info_field "$port" cluster_known_nodes)" != 1 || "$(info_field "$port" cluster_slots_assigned)" != 0 ]]; then
      cli "$port" flushall >/dev/null
      cli "$port" cluster reset hard >/dev/null
    fi
    nodes+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
}

urls() {
  local port out=()
  for port in "${PORTS[@]}"; do out+=("redis://127.0.0.1:$port"); done
  (IFS=,; echo "${out[*]}")
}

do_start() {
  local port
  for port in "${PORTS[@]}"; do start_node "$port"; done
  # Nodes restarted from their nodes.conf need a moment to find each other again; fresh ones
  # (no slots anywhere) are created at once.
  if [[ "$(info_field "${PORTS[0]}" cluster_slots_assigned)" == 0 ]] || ! wait_healthy 25; then
    log "creating the cluster"
    create_cluster
    wait_healthy 100 || die "the cluster did not become healthy (logs under .local/redis-cluster/)"
  fi
  log "up: REDIS_CLUSTER_URLS=$(urls)"
}

do_stop() {
  local port
  for port in "${PORTS[@]}"; do
    if ping_node "$port"; then
      cli "$port" shutdown nosave >/dev/null 2>&1 || true
    fi
  done
  for port in "${PORTS[@]}"; do
    local i
    for ((i = 0; i < 50; i++)); do
      ping_node "$port" || break
      sleep 0.2
    done
    ping_node "$port" && die "node $port still answering"
  done
  log "stopped"
}

do_status() {
  if healthy; then
    log "up: REDIS_CLUSTER_URLS=$(urls)"
  else
    log "down or unhealthy (ports ${PORTS[*]})"
    return 3
  fi
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  urls) urls ;;
  *)
    echo "usage: $0 {start|stop|status|urls}" >&2
    exit 2
    ;;
esac
