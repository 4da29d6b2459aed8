#!/usr/bin/env bash
# A one-broker Apache Kafka (KRaft: broker and controller in one JVM) from Maven Central's artifacts, with nothing but
# Java and Maven, to try linegate's journal on Kafka on one machine:
#
#   bench/kafka-broker.sh [DIR]            # starts the broker on 127.0.0.1:$PORT, creates $PREFIX.events, waits
#   ./linegate serve --journal kafka://127.0.0.1:9092/linegate --data-dir data --create ...
#
# DIR (default ./kafka-data) keeps the jars, the configuration, the broker's data (DIR/log) and its log
# (DIR/broker.log); a second start reuses them. The first start fetches Kafka's jars with Maven (about 90 jars,
# 60 MB); FETCH_ONLY=1 fetches them and exits (to fetch under a lock, or before going offline).
# Environment: PORT (9092; the controller takes PORT+1), PREFIX (linegate), PARTITIONS (12), KAFKA_VERSION (4.4.0),
# KAFKA_HEAP (512m), KAFKA_LIB (DIR/lib: where the jars are kept, to share them between several DIRs).
# A development broker: one replica, no authentication, loopback only. Ctrl-C stops it.
set -euo pipefail

VERSION=${KAFKA_VERSION:-4.4.0}
LOG4J=2.25.5 # the Log4j 2 that Kafka 4.4 depends on
PORT=${PORT:-9092}
CONTROLLER_PORT=$((PORT + 1))
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
# The broker logs at INFO into DIR/broker.log; the tools below (format, topic creation) only their warnings.
cat > "$DIR/log4j2.properties" <<'EOF'
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${sys:kafka.log.level:-INFO}
rootLogger.appenderRef.out.ref = OUT
EOF
TOOL=(java -Dlog4j2.configurationFile="$DIR/log4j2.properties" -Dkafka.log.level=WARN -cp "$CP")
cat > "$DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DIR/log
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF

if [ ! -f "$DIR/log/meta.properties" ]; then
  CLUSTER_ID=$("${TOOL[@]}" kafka.tools.StorageTool random-uuid)
  "${TOOL[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DIR/server.properties" >&2
fi

java -Xmx"${KAFKA_HEAP:-512m}" -Dlog4j2.configurationFile="$DIR/log4j2.properties" -cp "$CP" kafka.Kafka "$DIR/server.properties" > "$DIR/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null; wait $BROKER 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 60); do
  if "${TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --list >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 $BROKER 2>/dev/null; then
    echo "kafka-broker: the broker stopped; see $DIR/broker.log" >&2
    exit 1
  fi
  sleep 1
done
"${TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --if-not-exists \
  --topic "$PREFIX.events" --partitions "$PARTITIONS" --replication-factor 1 >&2
echo "kafka-broker: ready on 127.0.0.1:$PORT, topic $PREFIX.events ($PARTITIONS partitions);" \
  "linegate serve --journal kafka://127.0.0.1:$PORT/$PREFIX" >&2
wait $BROKER
