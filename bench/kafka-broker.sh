#!/usr/bin/env bash
# A one-broker Apache Kafka (KRaft: broker and controller in one JVM; BROKERS=3 for three) from Maven Central's
# artifacts, with nothing but Java and Maven, to try linegate's journal on Kafka on one machine:
#
#   bench/kafka-broker.sh [DIR]            # starts the broker on 127.0.0.1:$PORT, creates $PREFIX.events, waits
#   ./linegate serve --journal kafka://127.0.0.1:9092/linegate --data-dir data --create ...
#
# DIR (default ./kafka-data) keeps the jars, the configuration, the broker's data (DIR/log) and its log
# (DIR/broker.log); a second start reuses them. The first start fetches Kafka's jars with Maven (about 90 jars,
# 60 MB); FETCH_ONLY=1 fetches them and exits (to fetch under a lock, or before going offline).
# Environment: PORT (9092; the controller takes PORT+1), PREFIX (linegate), PARTITIONS (12), KAFKA_VERSION (4.4.0),
# BROKERS (1; 3 starts three on PORT..PORT+2, controllers on PORT+3..PORT+5, the topic with replication factor 3 and
# min.insync.replicas=2, each broker's files in DIR/broker-N),
# BROKER_PROPERTIES (lines added to each broker's server.properties), KAFKA_HEAP (512m), KAFKA_LIB (DIR/lib: where the jars are kept, to share them between several DIRs).
# A development broker: one replica, no authentication, loopback only. Ctrl-C stops it.
set -euo pipefail

VERSION=${KAFKA_VERSION:-4.4.0}
LOG4J=2.25.5 # the Log4j 2 that Kafka 4.4 depends on
PORT=${PORT:-9092}
BROKERS=${BROKERS:-1}
PREFIX=${PREFIX:-linegate}
PARTITIONS=${PARTITIONS:-12}
DIR=$(realpath -m "${1:-kafka-data}")
LIB=$(realpath -m "${KAFKA_LIB:-$DIR/lib}")
mkdir -p "$LIB" "$DIR/log"

# The jars Kafka's broker and tools need, as a POM; fetched again when it changes (another version, this script's).
cat > "$LIB/pom.xml.new" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-server</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$VERSION</version></dependency>
    <!-- Kafka's POMs bring the SLF4J API (1.7) and Log4j 2 but no binding between them: without one the broker
         logs nothing at all. SLF4J 2 with Log4j 2's binding, Log4j at the version Kafka brings. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J</version></dependency>
  </dependencies>
</project>
EOF
if [ ! -f "$LIB/.complete" ] || ! cmp -s "$LIB/pom.xml.new" "$LIB/pom.xml"; then
  echo "kafka-broker: fetching Apache Kafka $VERSION from Maven Central into $LIB (once)" >&2
  mv "$LIB/pom.xml.new" "$LIB/pom.xml"
  rm -f "$LIB"/*.jar "$LIB/.complete"
  mvn -B -q -ntp -f "$LIB/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" -DincludeScope=runtime
  touch "$LIB/.complete"
fi
rm -f "$LIB/pom.xml.new"
if [ "${FETCH_ONLY:-0}" = 1 ]; then
  echo "kafka-broker: Apache Kafka $VERSION is in $LIB" >&2
  exit 0
fi

CP="$LIB/*"
# The broker logs at INFO into its broker.log; the tools below (format, topic creation) only their warnings.
cat > "$DIR/log4j2.properties" <<'EOF'
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${sys:kafka.log.level:-INFO}
rootLogger.appenderRef.out.ref = OUT
EOF
TOOL=(java -Dlog4j2.configurationFile="$DIR/log4j2.properties" -Dkafka.log.level=WARN -cp "$CP")
# Broker i (1..BROKERS) listens on PORT+i-1 and its controller on PORT+BROKERS+i-1 (one broker: PORT and PORT+1);
# each is broker and controller at once, the controllers a quorum of BROKERS voters. One broker keeps its
# files in DIR itself, several in DIR/broker-i.
VOTERS="" SERVERS=""
for ((i = 1; i <= BROKERS; i++)); do
  VOTERS+="${VOTERS:+,}$i@127.0.0.1:$((PORT + BROKERS + i - 1))"
  SERVERS+="${SERVERS:+,}127.0.0.1:$((PORT + i - 1))"
done
REPLICAS=$((BROKERS < 3 ? BROKERS : 3))
home() { if [ "$BROKERS" = 1 ]; then echo "$DIR"; else echo "$DIR/broker-$1"; fi; }
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null' EXIT INT TERM
CLUSTER_ID=""
for ((i = 1; i <= BROKERS; i++)); do
  H=$(home $i)
  mkdir -p "$H/log"
  cat > "$H/server.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:$((PORT + i - 1)),CONTROLLER://127.0.0.1:$((PORT + BROKERS + i - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((PORT + i - 1))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$H/log
num.partitions=1
offsets.topic.replication.factor=$REPLICAS
transaction.state.log.replication.factor=$REPLICAS
transaction.state.log.min.isr=$(((REPLICAS + 1) / 2))
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
${BROKER_PROPERTIES:-}
EOF
  if [ ! -f "$H/log/meta.properties" ]; then
    if [ -z "$CLUSTER_ID" ]; then CLUSTER_ID=$("${TOOL[@]}" kafka.tools.StorageTool random-uuid); fi
    "${TOOL[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$H/server.properties" >&2
  fi
  java -Xmx"${KAFKA_HEAP:-512m}" -Dlog4j2.configurationFile="$DIR/log4j2.properties" -cp "$CP" kafka.Kafka \
    "$H/server.properties" > "$H/broker.log" 2>&1 &
  PIDS+=($!)
done

for _ in $(seq 1 90); do
  if "${TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$SERVERS" --list >/dev/null 2>&1; then
    break
  fi
  for ((i = 1; i <= BROKERS; i++)); do
    if ! kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null; then
      echo "kafka-broker: broker $i stopped; see $(home $i)/broker.log" >&2
      exit 1
    fi
  done
  sleep 1
done
# Replication factor 3 and min.insync.replicas=2 with three brokers or more, as in production.
"${TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$SERVERS" --create --if-not-exists \
  --topic "$PREFIX.events" --partitions "$PARTITIONS" --replication-factor "$REPLICAS" \
  --config min.insync.replicas=$(((REPLICAS + 1) / 2)) >&2
echo "kafka-broker: ready on $SERVERS, topic $PREFIX.events ($PARTITIONS partitions, replication factor $REPLICAS);" \
  "linegate serve --journal kafka://$SERVERS/$PREFIX" >&2
# Until Ctrl-C, or until any broker stops (killed on purpose, say: the others go on).
wait "${PIDS[@]}"
