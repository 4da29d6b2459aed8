#!/usr/bin/env bash
# A one-broker Apache Kafka (KRaft: broker and controller in one JVM) from Maven Central's artifacts, with nothing but
# Java and Maven, to try linegate's journal on Kafka on one machine:
#
#   bench/kafka-broker.sh [DIR]            # starts the broker on 127.0.0.1:$PORT, creates $PREFIX.events, waits
#   ./linegate serve --journal kafka://127.0.0.1:9092/linegate --data-dir data --create ...
#
# DIR (default ./kafka-data) keeps the jars, the configuration and the log; a second start reuses them.
# Environment: PORT (9092; the controller takes PORT+1), PREFIX (linegate), PARTITIONS (12), KAFKA_VERSION (4.4.0).
# A development broker: one replica, no authentication, loopback only. Ctrl-C stops it.
set -euo pipefail

VERSION=${KAFKA_VERSION:-4.4.0}
PORT=${PORT:-9092}
CONTROLLER_PORT=$((PORT + 1))
PREFIX=${PREFIX:-linegate}
PARTITIONS=${PARTITIONS:-12}
DIR=$(realpath -m "${1:-kafka-data}")
mkdir -p "$DIR/lib" "$DIR/log"

if [ ! -f "$DIR/lib/.complete-$VERSION" ]; then
  echo "kafka-broker: fetching Apache Kafka $VERSION from Maven Central into $DIR/lib" >&2
  cat > "$DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-server</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
EOF
  rm -f "$DIR"/lib/*.jar
  mvn -B -q -ntp -f "$DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DIR/lib" -DincludeScope=runtime
  touch "$DIR/lib/.complete-$VERSION"
fi

CP="$DIR/lib/*"
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
  CLUSTER_ID=$(java -cp "$CP" kafka.tools.StorageTool random-uuid)
  java -cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DIR/server.properties" >&2
fi

java -Xmx512m -cp "$CP" kafka.Kafka "$DIR/server.properties" > "$DIR/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null; wait $BROKER 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 60); do
  if java -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --list >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 $BROKER 2>/dev/null; then
    echo "kafka-broker: the broker stopped; see $DIR/broker.log" >&2
    exit 1
  fi
  sleep 1
done
java -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --if-not-exists \
  --topic "$PREFIX.events" --partitions "$PARTITIONS" --replication-factor 1 >&2
echo "kafka-broker: ready on 127.0.0.1:$PORT, topic $PREFIX.events ($PARTITIONS partitions);" \
  "linegate serve --journal kafka://127.0.0.1:$PORT/$PREFIX" >&2
wait $BROKER
