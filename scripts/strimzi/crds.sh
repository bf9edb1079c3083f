#!/usr/bin/env bash
# Generate Strimzi's KafkaTopic and KafkaUser CustomResourceDefinitions from Strimzi's own classes
# (io.strimzi:api + io.strimzi:crd-generator from Maven Central), so test/deploy checks our manifests
# against the operator's real openAPIV3Schema. Cached: jars and CRDs are made once per pom version.
#
#   scripts/strimzi/crds.sh            prints the folder holding kafkatopic.yaml and kafkauser.yaml
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

if [[ -s "$OUT/kafkatopic.yaml" && -s "$OUT/kafkauser.yaml" && -f "$LIBS/.complete" ]]; then
  echo "$OUT"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock" # parallel test files share one generation
flock 9
if [[ ! -s "$OUT/kafkatopic.yaml" || ! -s "$OUT/kafkauser.yaml" ]]; then
  fetch_maven_libs "$HERE/pom.xml" "$LIBS"
  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  tmp="$(mktemp -d "$CACHE/gen.XXXXXX")"
  log "generating the KafkaTopic and KafkaUser CRDs of Strimzi $VERSION"
  # The same flags as Strimzi's own api/pom.xml uses for these two resources.
  "$JAVA" -cp "$LIBS/*" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true \
    --crd-api-version v1 --api-versions v1alpha1,v1beta1,v1beta2 --storage-version v1beta2 --yaml \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$tmp/kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$tmp/kafkauser.yaml" 2> >(grep -v '^SLF4J' >&2)
  [[ -s "$tmp/kafkatopic.yaml" && -s "$tmp/kafkauser.yaml" ]] || { log "ERROR: the generator wrote nothing"; exit 1; }
  rm -rf "$OUT"
  mv "$tmp" "$OUT" # whole or not at all
fi
echo "$OUT"
