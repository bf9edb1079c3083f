#!/usr/bin/env bash
# Start a real single-node Elasticsearch 7.17 from Maven Central jars, for tests and local use. No Docker,
# no distribution tarball: the node's jars (scripts/es/pom.xml) plus a small Java main (EsMain.java, compiled
# once with javac and cached) that starts org.elasticsearch.node.Node with the Netty4 HTTP transport.
# Only Java 17+ and Maven are needed. Idempotent: when the node recorded in the state dir is already up, it
# waits until it answers and prints the connection info again.
#
#   HTTP       127.0.0.1:${ES_PORT:-19200}            REST API, no security (there is no x-pack here)
#   TRANSPORT  127.0.0.1:${ES_TRANSPORT_PORT:-19300}  node-to-node, not for clients
#
# Single-node discovery, disk watermarks off (a nearly full test disk must not make indices read-only),
# heap ${ES_HEAP:-512m}, extra JVM options in ES_JAVA_OPTS. State (data, logs, pid) in
# ${ES_STATE_DIR:-<repo>/.es}. Connection info goes to stdout and to <state>/env (ES_URL=...); progress
# goes to stderr. Stop with scripts/es/stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="${ES_STATE_DIR:-$REPO/.es}"
HTTP_PORT="${ES_PORT:-19200}"
TRANSPORT_PORT="${ES_TRANSPORT_PORT:-$((HTTP_PORT + 100))}"
HEAP="${ES_HEAP:-512m}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
# The pom is the single place the Elasticsearch version is pinned; the cache is keyed by it.
VERSION="$(sed -n 's:.*<es.version>\(.*\)</es.version>.*:\1:p' "$HERE/pom.xml")"
CACHE="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}/elasticsearch-$VERSION"
LIBS="$CACHE/libs"

log() { echo "[es] $*" >&2; }
# shellcheck source=../maven-libs.sh
source "$REPO/scripts/maven-libs.sh"
# shellcheck source=../daemon-lib.sh
source "$REPO/scripts/daemon-lib.sh"
now_ds() { local t="${EPOCHREALTIME//[.,]/}"; echo $((t / 100000)); } # tenths of a second
T0="$(now_ds)"
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)" # absolute: it is the node's home and is matched in the JVM's cmdline
PIDFILE="$STATE/es.pid"
LOGFILE="$STATE/server.log"
HOME_DIR="$STATE/home"
# A pid counts only if it is still OUR node (this state dir): guards against pid reuse, zombies (empty
# cmdline) and the other nodes a test may run side by side with their own state dirs.
is_node() { [[ -n "${1:-}" ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "EsMain $HOME_DIR "; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# One plain HTTP/1.0 request over bash's /dev/tcp (no curl needed); prints the response.
http_get() {
  timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' '$1' >&3 && cat <&3" 2>/dev/null
}
# Serialise concurrent starts (e.g. parallel test workers) on one state dir.
exec 9>"$STATE/.lock"
flock 9

print_info() {
  echo "ES_URL=http://127.0.0.1:$HTTP_PORT" >"$STATE/env"
  echo "Elasticsearch $VERSION is running (pid $(cat "$PIDFILE"), log $LOGFILE)"
  echo "  URL:      http://127.0.0.1:$HTTP_PORT"
  echo "  env file: $STATE/env"
}

# Ready = the node answers cluster health with status yellow or green (the cluster state is recovered and
# an index can be created), and the pid is still our node.
node_answers() { http_get '/_cluster/health?wait_for_status=yellow&timeout=1s' | grep -qE '"status":"(yellow|green)"'; }
wait_ready() { wait_daemon_ready node_answers is_node "$PIDFILE" "$LOGFILE" node 120 0.3; }

# --- Already running? Then only report (or wait, if another start is in progress).
if is_node "$(cat "$PIDFILE" 2>/dev/null || true)"; then
  log "node already running (pid $(cat "$PIDFILE"))"
  wait_ready
  print_info
  exit 0
fi
rm -f "$PIDFILE"
for p in "$HTTP_PORT" "$TRANSPORT_PORT"; do
  port_open "$p" && die "port 127.0.0.1:$p is already in use by another process"
done

# --- 1. Jars, cached per Elasticsearch version (scripts/maven-libs.sh).
fetch_maven_libs "$HERE/pom.xml" "$LIBS" || die "Maven could not fetch the Elasticsearch $VERSION jars"

# --- 2. The main class, compiled once per source version (the folder is named by the source's hash).
SRC_HASH="$(sha256sum "$HERE/EsMain.java" | cut -c1-16)"
CLASSES="$CACHE/classes-$SRC_HASH"
if [[ ! -f "$CLASSES/.complete" ]]; then
  log "compiling EsMain.java into $CLASSES"
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  "$JAVAC" -nowarn -d "$CLASSES" -cp "$LIBS/*" "$HERE/EsMain.java" || die "javac failed on $HERE/EsMain.java"
  touch "$CLASSES/.complete"
fi

# --- 3. Logging config, rewritten on every start: everything to stdout -> server.log. ES reads
# <home>/config/log4j2.properties, as the distribution does.
mkdir -p "$HOME_DIR/config"
cat >"$HOME_DIR/config/log4j2.properties" <<'LOG4J'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
# Deprecation warnings (e.g. from 8.x clients' requests) are noise here.
logger.deprecation.name = org.elasticsearch.deprecation
logger.deprecation.level = error
LOG4J

JVM=("$JAVA" "-Xms$HEAP" "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false
  -Dlog4j2.disable.jmx=true -Dio.netty.noUnsafe=true -Dio.netty.recycler.maxCapacityPerThread=0
  -Des.networkaddress.cache.ttl=60 -Djava.io.tmpdir="$STATE/tmp"
  -cp "$LIBS/*:$CLASSES")
# Extra JVM options, as the distribution's ES_JAVA_OPTS (e.g. -XX:TieredStopAtLevel=1 for a test node
# that should start fast rather than run fast). Split on spaces on purpose.
# shellcheck disable=SC2206
[[ -n "${ES_JAVA_OPTS:-}" ]] && JVM=("${JVM[0]}" $ES_JAVA_OPTS "${JVM[@]:1}")
SETTINGS=(-E "cluster.name=streamforge" -E "node.name=streamforge-es"
  -E "path.data=$STATE/data" -E "path.logs=$STATE/logs"
  -E "network.host=127.0.0.1" -E "http.port=$HTTP_PORT" -E "transport.port=$TRANSPORT_PORT"
  -E "discovery.type=single-node"
  -E "cluster.routing.allocation.disk.threshold_enabled=false"
  -E "action.destructive_requires_name=false")
mkdir -p "$STATE/tmp"

# --- 4. Start in the background. setsid: its own session, so neither a closing terminal nor a test runner
# killing our process group takes the node down. The launched shell writes its own pid (then execs java),
# so the pid file is the JVM's pid. 9>&-: the node must not inherit the lock.
log "starting Elasticsearch $VERSION (log: $LOGFILE)"
# shellcheck disable=SC2016 # $$ and $@ are meant for the inner shell
nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
  "${JVM[@]}" EsMain "$HOME_DIR" "${SETTINGS[@]}" >"$LOGFILE" 2>&1 </dev/null 9>&- &
wait_ready
T=$(($(now_ds) - T0))
log "ready after $((T / 10)).$((T % 10)) s"
print_info
