#!/usr/bin/env bash
# Stop the broker started by scripts/kafka/start.sh. Idempotent.
#   --clean  also delete the state dir (data, certificates, logs); the jar
#            cache is never touched, so the next start needs no download.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${KAFKA_STATE_DIR:-$(cd "$HERE/../.." && pwd)/.kafka}"
PIDFILE="$STATE/kafka.pid"
CLEAN=0
case "${1:-}" in
  --clean) CLEAN=1 ;;
  "") ;;
  *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac

log() { echo "[kafka] $*" >&2; }
# Only signal a pid that is still our broker JVM (pid reuse; zombies have no cmdline).
is_broker() { [[ -n "${1:-}" ]] && grep -qa kafka.Kafka "/proc/$1/cmdline" 2>/dev/null; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if is_broker "$PID"; then
  # SIGTERM lets Kafka flush logs and close the metadata log cleanly, which
  # keeps the next start fast (no log recovery).
  log "stopping broker (pid $PID)"
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 60); do
    is_broker "$PID" || break
    sleep 0.5
  done
  if is_broker "$PID"; then
    log "still running after 30 s; sending SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    sleep 0.5
  fi
  log "stopped"
else
  log "no broker running"
fi
rm -f "$PIDFILE"

if ((CLEAN)) && [[ -d "$STATE" ]]; then
  # Guard the rm -rf against an empty or root path from a bad KAFKA_STATE_DIR.
  [[ "$(cd "$STATE" && pwd)" != / ]] || { log "refusing to delete /"; exit 1; }
  log "removing $STATE"
  rm -rf "$STATE"
fi
