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

STAMP="$LIBS/.complete"
POM_HASH="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$POM_HASH" ]]; then
  log "fetching Kafka Connect $KAFKA and Debezium JDBC sink $DEBEZIUM jars with Maven into $LIBS (first time only)"
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  # Plugin pinned: Maven 3.8's default maven-dependency-plugin is the ancient 2.8.
  if ! out="$(mvn -B -q -f "$HERE/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" 2>&1)"; then
    echo "$out" >&2
    log "ERROR: Maven could not fetch the Kafka Connect / Debezium jars"
    exit 1
  fi
  echo "$POM_HASH" >"$STAMP"
fi
echo "$LIBS"
