# Sourced by scripts/kafka/start.sh and bench/peer-connect/assemble.sh: the runtime jars a pom names,
# copied once into a cache folder. The stamp holds the pom's hash, so an interrupted copy or an edited
# pom triggers a fresh copy.
#
#   fetch_maven_libs POM LIBS   progress through the caller's log(); returns 1 when Maven fails (its
#                               output shown: -q still prints stray colour codes, so only on failure)
fetch_maven_libs() {
  local pom="$1" libs="$2" stamp hash out
  stamp="$libs/.complete"
  hash="$(sha256sum "$pom" | cut -d' ' -f1)"
  [[ "$(cat "$stamp" 2>/dev/null || true)" == "$hash" ]] && return 0
  log "fetching the jars of $pom with Maven into $libs (first time only; may take a minute)"
  rm -rf "$libs"
  mkdir -p "$libs"
  # Plugin pinned: Maven 3.8's default maven-dependency-plugin is the ancient 2.8.
  if ! out="$(mvn -B -q -f "$pom" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" 2>&1)"; then
    echo "$out" >&2
    return 1
  fi
  echo "$hash" >"$stamp"
}
