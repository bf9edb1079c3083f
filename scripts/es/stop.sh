#!/usr/bin/env bash
# Stop the Elasticsearch node started by scripts/es/start.sh (the one of ES_STATE_DIR). Idempotent.
#   --clean  also delete the state dir (indices, logs); the jar cache is never touched, so the next
#            start needs no download.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${ES_STATE_DIR:-$(cd "$HERE/../.." && pwd)/.es}"
[[ -d "$STATE" ]] && STATE="$(cd "$STATE" && pwd)"
PIDFILE="$STATE/es.pid"
CLEAN=0
case "${1:-}" in
  --clean) CLEAN=1 ;;
  "") ;;
  *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac

log() { echo "[es] $*" >&2; }
# Only signal a pid that is still this state dir's node (pid reuse; zombies have no cmdline).
is_node() { [[ -n "${1:-}" ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "EsMain $STATE/home "; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if is_node "$PID"; then
  # SIGTERM runs the node's shutdown hook: shards are flushed, so the next start recovers nothing.
  log "stopping node (pid $PID)"
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 60); do
    is_node "$PID" || break
    sleep 0.5
  done
  if is_node "$PID"; then
    log "still running after 30 s; sending SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    sleep 0.5
  fi
  log "stopped"
else
  log "no node running"
fi
rm -f "$PIDFILE"

if ((CLEAN)) && [[ -d "$STATE" ]]; then
  # Guard the rm -rf against an empty or root path from a bad ES_STATE_DIR.
  [[ "$STATE" != / ]] || { log "refusing to delete /"; exit 1; }
  log "removing $STATE"
  rm -rf "$STATE"
fi
