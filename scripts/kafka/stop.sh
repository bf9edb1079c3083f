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

# shellcheck source=../daemon-lib.sh
source "$HERE/../daemon-lib.sh"
log() { echo "[kafka] $*" >&2; }
# Only signal a pid that is still our broker JVM (pid reuse; zombies have no cmdline).
is_broker() { [[ -n "${1:-}" ]] && grep -qa kafka.Kafka "/proc/$1/cmdline" 2>/dev/null; }

# SIGTERM lets Kafka flush logs and close the metadata log cleanly, which keeps the next start fast
# (no log recovery).
stop_daemon is_broker "$PIDFILE" broker
((CLEAN)) && remove_state_dir "$STATE"
exit 0
