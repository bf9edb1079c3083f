#!/usr/bin/env bash
# Generate Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser CustomResourceDefinitions from Strimzi's own classes
# (io.strimzi:api + io.strimzi:crd-generator from Maven Central), so test/deploy checks our manifests
# against the operator's real openAPIV3Schema. Cached: jars and CRDs are made once per pom version.
#
#   scripts/strimzi/crds.sh            prints the folder holding kafka.yaml, kafkanodepool.yaml,
#                                      kafkatopic.yaml and kafkauser.yaml
#
# Needs Java 17+ and Maven. Progress goes to stderr, the folder to stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VERSION="$(sed -n 's:.*<strimzi.version>\(.*\)</strimzi.version>.*:\1:p' "$HERE/pom.xml")"
CACHE="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}/strimzi-$VERSION"
LIBS="$CACHE/libs"
OUT="$CACHE/crds"

log() { echo "[strimzi] $*" >&2; }
# shellcheck source=../maven-libs.sh
source "$REPO/scripts/maven-libs.sh"

FILES=(kafka kafkanodepool kafkatopic kafkauser)
complete() {
  local dir="$1" f
  for f in "${FILES[@]}"; do [[ -s "$dir/$f.yaml" ]] || return 1; done
}

if complete "$OUT" && [[ -f "$LIBS/.complete" ]]; then
  echo "$OUT"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock" # parallel test files share one generation
flock 9
if ! complete "$OUT"; then
  fetch_maven_libs "$HERE/pom.xml" "$LIBS"
  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  tmp="$(mktemp -d "$CACHE/gen.XXXXXX")"
  log "generating the CRDs of Strimzi $VERSION"
  generate() { # the flags of Strimzi's own api/pom.xml
    "$JAVA" -cp "$LIBS/*" io.strimzi.crdgenerator.CrdGenerator \
      --label app:strimzi --label strimzi.io/crd-install:true \
      --crd-api-version v1 --storage-version v1beta2 --yaml "$@" 2> >(grep -v '^SLF4J' >&2)
  }
  generate --api-versions v1beta2 \
    "io.strimzi.api.kafka.model.kafka.Kafka=$tmp/kafka.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$tmp/kafkanodepool.yaml"
  # Topics and users keep their older versions (smooth upgrades of the Topic and User Operators).
  generate --api-versions v1alpha1,v1beta1,v1beta2 \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$tmp/kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$tmp/kafkauser.yaml"
  complete "$tmp" || { log "ERROR: the generator did not write every CRD"; exit 1; }
  rm -rf "$OUT"
  mv "$tmp" "$OUT" # whole or not at all
fi
echo "$OUT"
