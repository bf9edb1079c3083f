#!/usr/bin/env bash
# Assemble Kafka Connect (standalone) and the Debezium JDBC sink connector from Maven Central jars into a
# cache dir, the way scripts/kafka/start.sh assembles the broker, and print that dir's path on stdout.
# Idempotent: the cache dir is keyed by the Kafka and Debezium versions in pom.xml, and a stamp holding
# the pom's hash makes an interrupted copy or an edited pom fetch again. Needs Java 17+ and Maven.
#
#   bench/peer-connect/assemble.sh [--cache-dir DIR]    (default ${STREAMFORGE_CACHE:-~/.cache/streamforge})
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}"

log() { echo "[peer-connect] $*" >&2; }
# shellcheck source=../../scripts/maven-libs.sh
source "$HERE/../../scripts/maven-libs.sh"
usage() {
  echo "usage: $0 [--cache-dir DIR]" >&2
  exit 2
}

while (($# > 0)); do
  case "$1" in
    --cache-dir)
      [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || { log "--cache-dir needs a directory"; usage; }
      CACHE="$2"
      shift 2
      ;;
    -h | --help) usage ;;
    *)
      log "unknown argument: $1"
      usage
      ;;
  esac
done

version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$HERE/pom.xml"; }
KAFKA="$(version kafka.version)"
DEBEZIUM="$(version debezium.version)"
[[ -n "$KAFKA" && -n "$DEBEZIUM" ]] || { log "ERROR: pom.xml names no kafka.version or debezium.version"; exit 1; }
LIBS="$CACHE/connect-$KAFKA-debezium-jdbc-$DEBEZIUM/libs"

if ! fetch_maven_libs "$HERE/pom.xml" "$LIBS"; then
  log "ERROR: Maven could not fetch the Kafka Connect $KAFKA / Debezium JDBC sink $DEBEZIUM jars"
  exit 1
fi
echo "$LIBS"
