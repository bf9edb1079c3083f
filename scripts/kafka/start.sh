#!/usr/bin/env bash
# Start a real single-node Apache Kafka 4.x broker (KRaft, broker+controller in
# one JVM) from Maven Central jars, for tests and local use. No Docker needed:
# only Java 17+, Maven and openssl. Idempotent: when the broker recorded in the
# state dir is already up, it just prints the connection info again.
#
#   PLAINTEXT  127.0.0.1:${KAFKA_PLAINTEXT_PORT:-19092}  no auth
#   SASL_SSL   127.0.0.1:${KAFKA_SASL_PORT:-19093}       SCRAM-SHA-512 over TLS (own CA)
#   CONTROLLER 127.0.0.1:${KAFKA_CONTROLLER_PORT:-19094}  KRaft quorum, not for clients
#
# Connection info goes to stdout and to <state>/env (plain KEY=VALUE lines);
# progress goes to stderr. Stop with scripts/kafka/stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="${KAFKA_STATE_DIR:-$REPO/.kafka}"
PLAIN_PORT="${KAFKA_PLAINTEXT_PORT:-19092}"
SASL_PORT="${KAFKA_SASL_PORT:-19093}"
CTRL_PORT="${KAFKA_CONTROLLER_PORT:-19094}"
KUSER=streamforge
KPASS=streamforge-secret # SCRAM users are added at format time; no commas allowed
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The pom is the single place the Kafka version is pinned; the cache is keyed by it.
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml")"
LIBS="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}/kafka-$VERSION/libs"

log() { echo "[kafka] $*" >&2; }
# shellcheck source=../maven-libs.sh
source "$REPO/scripts/maven-libs.sh"
# shellcheck source=../daemon-lib.sh
source "$REPO/scripts/daemon-lib.sh"
now_ds() { local t="${EPOCHREALTIME//[.,]/}"; echo $((t / 100000)); } # tenths of a second
T0="$(now_ds)"
die() { log "ERROR: $*"; exit 1; }
# A pid counts only if it is still our broker JVM: guards against pid reuse,
# and a zombie has an empty cmdline.
is_broker() { [[ -n "${1:-}" ]] && grep -qa kafka.Kafka "/proc/$1/cmdline" 2>/dev/null; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)" # absolute: it ends up in server.properties and env
PIDFILE="$STATE/kafka.pid"
# Serialise concurrent starts (e.g. parallel test workers) on one state dir.
exec 9>"$STATE/.lock"
flock 9
LOGFILE="$STATE/server.log"
TLS="$STATE/tls"

print_info() {
  cat >"$STATE/env" <<EOF
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PLAIN_PORT
KAFKA_SASL_BOOTSTRAP_SERVERS=127.0.0.1:$SASL_PORT
KAFKA_USER=$KUSER
KAFKA_PASSWORD=$KPASS
KAFKA_CA_PATH=$TLS/ca.crt
EOF
  echo "Kafka $VERSION is running (pid $(cat "$PIDFILE"), log $LOGFILE)"
  echo "  PLAINTEXT bootstrap: 127.0.0.1:$PLAIN_PORT"
  echo "  SASL_SSL  bootstrap: 127.0.0.1:$SASL_PORT (SCRAM-SHA-512)"
  echo "  CA file:  $TLS/ca.crt"
  echo "  user:     $KUSER"
  echo "  password: $KPASS"
  echo "  env file: $STATE/env"
}

# Ready = the JVM logged its start-up line AND clients can connect.
broker_answers() { grep -q 'Kafka Server started' "$LOGFILE" 2>/dev/null && port_open "$PLAIN_PORT"; }
wait_ready() { wait_daemon_ready broker_answers is_broker "$PIDFILE" "$LOGFILE" broker 90 0.5; }

# --- Already running? Then only report (or wait, if another start is in progress).
if is_broker "$(cat "$PIDFILE" 2>/dev/null || true)"; then
  log "broker already running (pid $(cat "$PIDFILE"))"
  wait_ready
  print_info
  exit 0
fi
rm -f "$PIDFILE"
# Someone else (another state dir, an old broker) holds the port: fail clearly
# rather than letting the JVM die on "Address already in use".
for p in "$PLAIN_PORT" "$SASL_PORT" "$CTRL_PORT"; do
  port_open "$p" && die "port 127.0.0.1:$p is already in use by another process"
done

# --- 1. Jars, cached per Kafka version (scripts/maven-libs.sh).
fetch_maven_libs "$HERE/pom.xml" "$LIBS" || die "Maven could not fetch the Kafka $VERSION jars"

# --- 2. TLS material, generated once and kept, so a client's CA path stays valid.
if [[ ! -s "$TLS/broker-keystore.pem" || ! -s "$TLS/ca.crt" ]]; then
  log "generating a self-signed CA and broker certificate in $TLS"
  rm -rf "$TLS"
  mkdir -p "$TLS"
  (
    cd "$TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=StreamForge test CA" \
      -keyout ca.key -out ca.crt \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout broker.raw.key -out broker.csr 2>/dev/null
    # Kafka's PEM keystore only reads PKCS#8 ("BEGIN PRIVATE KEY") keys.
    openssl pkcs8 -topk8 -nocrypt -in broker.raw.key -out broker.key
    # Clients verify the host name they dial, so cover both spellings of loopback.
    printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
      'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
      -days 3650 -extfile broker.ext -out broker.crt 2>/dev/null
    # PEM keystore = key + certificate chain in one file (no keytool, no passwords).
    cat broker.key broker.crt ca.crt >broker-keystore.pem
    rm -f broker.raw.key broker.csr broker.ext
    chmod 600 ca.key broker.key broker-keystore.pem
  )
fi

# --- 3. Config, rewritten on every start so port overrides take effect.
# No authorizer: SASL_SSL here tests authentication and TLS, not ACLs, and with
# StandardAuthorizer the PLAINTEXT/controller links (User:ANONYMOUS) would need
# super.users.
cat >"$STATE/server.properties" <<EOF
process.roles=broker,controller
node.id=1
# Static voters (kraft.version 0): storage is formatted without --standalone.
controller.quorum.voters=1@127.0.0.1:$CTRL_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PLAIN_PORT,SASL_SSL://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PLAIN_PORT,SASL_SSL://127.0.0.1:$SASL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$STATE/data

listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$TLS/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS/ca.crt

# One node: every replication factor and min ISR is 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Few internal partitions and no join delay keep the first group join / transaction fast.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
# The product creates its own topics; a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=3
EOF

# Kafka ships no logging config; without one the broker is silent and the
# readiness line never appears. Everything goes to stdout -> server.log.
cat >"$STATE/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${sys:streamforge.log.level:-INFO}
rootLogger.appenderRef.out.ref = OUT
EOF

JVM=("$JAVA" -Xms256m -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$STATE/log4j2.properties" -cp "$LIBS/*")

# --- 4. Format KRaft storage once; later starts reuse data, topics and SCRAM users.
if [[ ! -f "$STATE/data/meta.properties" ]]; then
  log "formatting KRaft storage in $STATE/data (SCRAM user $KUSER)"
  # WARN: the tool would otherwise dump the whole KafkaConfig at INFO.
  CLUSTER_ID="$("${JVM[@]}" -Dstreamforge.log.level=WARN kafka.tools.StorageTool random-uuid)"
  "${JVM[@]}" -Dstreamforge.log.level=WARN kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$STATE/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=$KUSER,password=$KPASS]" >&2
fi

# --- 5. Start in the background. setsid: its own session, so neither a closing
# terminal nor a test runner killing our process group takes the broker down.
# The launched shell writes its own pid (then execs java), so the pid file is
# the JVM's pid no matter how setsid forks. 9>&-: the broker must not inherit the lock.
log "starting broker (log: $LOGFILE)"
# shellcheck disable=SC2016 # $$ and $@ are meant for the inner shell
nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
  "${JVM[@]}" kafka.Kafka "$STATE/server.properties" >"$LOGFILE" 2>&1 </dev/null 9>&- &
wait_ready
T=$(($(now_ds) - T0))
log "ready after $((T / 10)).$((T % 10)) s"
print_info
