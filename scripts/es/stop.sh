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

# shellcheck source=../daemon-lib.sh
source "$HERE/../daemon-lib.sh"
log() { echo "[es] $*" >&2; }
# Only signal a pid that is still this state dir's node (pid reuse; zombies have no cmdline).
is_node() { [[ -n "${1:-}" ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "EsMain $STATE/home "; }

# SIGTERM runs the node's shutdown hook: shards are flushed, so the next start recovers nothing.
stop_daemon is_node "$PIDFILE" node
((CLEAN)) && remove_state_dir "$STATE"
exit 0
