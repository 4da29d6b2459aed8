#!/usr/bin/env bash
# linegate benchmarks (issue 2, "How fast, how big"). Loopback only; every loop is bounded.
#
#   bench/run.sh                                   # full run: all scenarios, issue figures, 1 repetition
#   RUNS=3 bench/run.sh                            # three repetitions, medians in the summary
#   SCENARIOS=burst DURATION=10 BURST_WARMUP=5 bench/run.sh   # quick smoke test of one scenario
#   SCENARIOS="cluster cluster-stall" BENCH_JAR=after.jar BEFORE_JAR=before.jar bench/run.sh  # issue 24, before/after
#
# Run it under the project's Maven lock (flock /tmp/linegate-mvn.lock bench/run.sh): it builds with Maven and
# loads both cores for minutes. It builds the bench jar of this checkout in one reactor (bench/reactor/pom.xml),
# never with `mvn install`; BENCH_JAR=path/to/linegate-bench.jar measures a jar built beforehand and runs no
# Maven at all (the spring scenario then needs SPRING_JAR too).
#
# Scenarios (SCENARIOS, space-separated, default "throughput ceiling compare burst"; throughput-before,
# attack and attack-before are run when named):
#   throughput  wrk closed loop, handler 0 ms: signed ~700-byte webhooks acknowledged after the durable
#               append (group commit, synchronous=FULL). Target >= 20,000 req/s, p99 ack <= 25 ms.
#   ceiling     reference point, not a target: a bare Armeria server that only checks the HMAC and
#               answers 200 (no journal, access log or metrics), same wrk load (CEILING_CONNECTIONS [64]).
#   compare     wrk closed loop, handler 50 ms, same settings against linegate and against the baseline
#               (plain Jetty 12 + line-bot-parser 9.14.0, handler on the request thread): req/s, p99, ratio.
#   (throughput, ceiling, compare, store: next to req/s, the server's CPU us per request, the cpu scenario's /proc
#               method: utime + stime around the run, divided by the requests answered 200; for linegate's throughput
#               runs, from the run's start until its events are handled, per acknowledged and handled webhook.)
#   burst       open loop (fixed rate, latency from intended send time) at 10x what the handlers can
#               process (WORKERS / 50 ms), for 60 s after BURST_WARMUP s at the same rate: p99 ack < 100 ms, heap < 256 MiB sampled every
#               second from /metrics, then waits for the backlog to drain and checks nothing was lost
#               or handled twice.
#   console     (issue 27) the throughput load (CONNECTIONS) with the operator console off, on with nobody signed
#               in (CONSOLE_ON=1), and with its overview open in headless Chromium (chromedriver's WebDriver API, polling every
#               second) during the measurement; with BEFORE_JAR also a build before the console's last changes. Ratios
#               open/off, open/on (and open/before). Target: 1.0 within the run-to-run spread.
#   throughput-before  the throughput scenario against BEFORE_JAR, a bench jar built from an earlier
#               commit, in the same run as this build's (issue 9: the ack path must not get slower).
#   compare-before  (issue 20) compare's linegate server on BEFORE_JAR (the baseline is not run again): req/s,
#               p99, ratio to this run's baseline if compare ran, and this build / the earlier one.
#   cpu         (issue 20) server CPU per webhook at a fixed load: wrk -c CPU_CONNECTIONS [64], handler 0 ms, exactly
#               CPU_REQUESTS [300000] signed webhooks with distinct ids (each wrk thread stops after its share; at
#               most CPU_SECONDS [120] s) after a WARMUP s wrk warm-up, on a fresh server each: the no-work Armeria
#               floor (ceiling: it stores and handles nothing, so its figure is per acknowledged request), BEFORE_JAR
#               if given, and this build. For linegate, utime + stime of the server process (/proc/<pid>/stat
#               fields 14 and 15, CLK_TCK ticks) are read after the warm-up has drained and again once every event
#               of the load is handled (linegate_queue_depth 0 and handled + deduplicated = received), then divided
#               by the webhooks acknowledged in between (linegate_webhook_requests_total{status="200"}): CPU us per
#               acknowledged and handled webhook, req/s and p99 of the load, ratio to the floor, this build / the
#               earlier one. The window includes wrk's loading of its bodies (an idle server) and the drain's scrapes.
#   attack      (issue 9) wrk closed loop, handler 0 ms, ATTACK_CONNECTIONS [64] connections of signed webhooks:
#               first alone, then while ATTACKERS [600] connections each declare a 1 MiB body and send it
#               slowly without a signature (re-opened when the server answers 503 or 408): req/s under
#               attack / req/s alone (target >= 0.5), non-200 (target 0), the server alive, no OutOfMemoryError;
#               server ${ATTACK_JAVA_OPTS:--Xmx384m -XX:+ExitOnOutOfMemoryError}.
#   attack-before  (issue 21) the attack scenario's server on BEFORE_JAR (the attacker stays this build's), in the
#               same run as this build's: rows attack-before-alone/-attacked and this build / the earlier one.
#   emulator-push     (issue 3) the emulator's push endpoint, rate limits and spec validation off, 128 in
#                     flight from an Armeria client in the same JVM, after a warm-up: req/s. Target >= 20,000.
#   emulator-webhook  (issue 3) signed webhook deliveries to a trivial receiver (same JVM), one event per
#                     request, events created through the control API in batches of 1,000 (waiting on its
#                     503 when the queue is full), after EMULATOR_WARMUP events, once per protocol in
#                     EMULATOR_PROTOCOLS: deliveries/s and events/s end to end, and the drain rate of the
#                     backlog once creation stops (the sender alone). Target >= 20,000 deliveries/s.
#   emulator-page     (issue 10) emulator-webhook (h1c) with its events coming from PAGE_CLIENTS users in turn
#                     and PAGE_CLIENTS other users chatting (a text message each per second through the
#                     control API), three times side by side: "none", no chat page stream open; "chatters",
#                     PAGE_CLIENTS chat page streams (server-sent events) on the chatters' chats, as people
#                     chatting on the page during a load test; "load", the streams on the load's chats, so
#                     that every event and delivery of the load also goes to a page (the worst case).
#                     deliveries/s of each and its ratio to "none".
#                     None of these needs wrk; the default SCENARIOS leave them out:
#                     SCENARIOS="emulator-push emulator-webhook emulator-page".
#   store       (issue 11) the durable ack at STORE_CONNECTIONS [64], handler 0 ms, side by side in one run: the
#               no-work Armeria floor (ceiling), linegate on the embedded SQLite store, and linegate on a
#               local PostgreSQL server (synchronous_commit on). Target: PostgreSQL >= 0.5x SQLite, p99 <= 50 ms.
#               BEFORE_JAR=path/to/an/earlier/linegate-bench.jar adds that build on SQLite (before/after).
#   kafka       (issue 28) the store scenario with the journal on Apache Kafka beside it: the durable ack at
#               STORE_CONNECTIONS [64], handler 0 ms, side by side in one run: the no-work Armeria floor (ceiling),
#               linegate on SQLite, on a local PostgreSQL server, and with `--journal kafka://` on one local broker
#               (bench/kafka-broker.sh: KRaft, one replica, the producer's acks=all and idempotence as always,
#               12 partitions, a fresh broker each run) with the store on SQLite beside it: req/s, p99, the backlog's
#               drain and cpu_us per webhook acknowledged and handled, for linegate's process and (row
#               kafka-broker-c64) the broker's, over the same window. Rows journal-sqlite-c64, journal-postgres-c64,
#               journal-kafka-c64; ratio row kafka-vs-sqlite. Target: Kafka >= 0.5x SQLite with p99 <= 50 ms.
#               KAFKA_LIB: where the broker's jars are kept [bench/target/kafka-lib] (fetched with Maven the first
#               time; FETCH_ONLY=1 bench/kafka-broker.sh fetches them beforehand). BOT_KAFKA_PROPERTIES: a file of
#               Kafka client settings for the node (serve's --kafka-properties), to try the clients' tuning.
#   kafka-cluster  (issue 28) cluster-takeover with the journal on three Kafka brokers (bench/kafka-broker.sh BROKERS=3:
#               replication factor 3, min.insync.replicas=2) beside one PostgreSQL: aggregate req/s of three nodes, then
#               kill -9 of one and the seconds until events of 640 new users sent to the two others are all handled
#               (the dead node's partitions move after the group's session timeout, 10 s). Rows kafka-cluster-3-nodes,
#               kafka-cluster-takeover. Target: takeover <= session timeout + 2 s, lost 0.
#   cluster     (issue 24) scaling over a network: one PostgreSQL server behind a TCP proxy that holds every chunk
#               CLUSTER_DELAY_MS [2] ms in each direction (bench jar's delay-proxy: loopback, one thread, bounded
#               buffers; it logs the hold time it achieved), then for each N in CLUSTER_NODES ["1 2 3"]: N nodes
#               (`bot`, as `linegate serve`, handler 0 ms, lease CLUSTER_LEASE) on the proxy's address, a fresh
#               database each time, one wrk per node (-t CLUSTER_WRK_THREADS [1], -c CLUSTER_CONNECTIONS [8], its
#               own CLUSTER_BODIES [200000] event ids), WARMUP s warm-up (handled before the run starts), then
#               RUN_SECONDS: aggregate durable-ack req/s (sum of the wrks), events handled per second during the
#               run (increase of linegate_events_processed_total{outcome="handled"} summed over the nodes' /metrics,
#               over the wrk run's length) and the seconds the backlog takes to drain after the run (summed acked
#               200s = summed handled + deduplicated, polled every 0.25 s; at most CLUSTER_DRAIN_TIMEOUT [300] s, then
#               "timeout" and lost = what was acknowledged and not yet handled). BEFORE_JAR runs the same, interleaved
#               (N=1 before, N=1 this build, N=2 before, ...). Rows cluster[-before]-nN; ratios cluster[-before]-nN-vs-n1
#               (req/s and handled/s) and cluster-after-vs-before-nN[-handled]. Target: 3 nodes >= 2.5 x 1 node,
#               3 nodes >= 3 x the 3-node figure before; the backlog drains within a few seconds.
#               The requests wrk leaves in flight when it stops are journaled and handled but not counted as 200s
#               (at most one per connection): logged as "handled N more events than ... 200s", not an error.
#   cluster-stall  (issue 24) 3 nodes behind the same proxy, open-loop load: STALL_RATE [10] signed webhooks/s on
#               nodes 0 and 1 (below the ~50/s the build before issue 24 handles behind the proxy, so that their
#               gaps are the stall's and not a backlog's), STALL_STOP_RATE [100] on node 2 (busy, it is inside its
#               store transactions and their locks most of the time, as a node is when a real pause hits it); with
#               STALL_PUSH [1] each handler pushes one text through linegate's sending stack and its shared rate
#               limit to the LINE Platform emulator (bench jar's emulator, its own limits off). STALL_CYCLES [3]
#               times: STALL_BEFORE [10] s of load, node 2 stopped (SIGSTOP) for STALL_SECONDS [20] s, continued,
#               STALL_AFTER [10] s more (bench jar's cluster-stall; whether a stop hurts depends on what the node
#               holds at that instant, hence several). The healthy nodes' handler runs (counted after the push) are
#               sampled every 100 ms: gap_ms = the longest gap on a healthy node overlapping a stop (and the gap at
#               each stop, and before the first stop for reference); then the backlog's drain and nothing lost.
#               BEFORE_JAR first when given; cluster-stall-after-vs-before ratio = gap of this build / before.
#               Target: < 2,000 ms.
#   cluster-status  (issue 24) what `linegate cluster status` does (open the store, read one snapshot, close), timed
#               STATUS_CALLS [20] times with STATUS_EVENTS [100000] events waiting in PostgreSQL behind the cluster's
#               proxy and no node running (bench jar's cluster-status; the command's JVM start is not included).
#               Target: < 1,000 ms.
#   cluster-takeover  (issue 11; was "cluster") three linegate nodes on one PostgreSQL (no proxy), wrk on all three at
#               once (STORE_CONNECTIONS/3 each, handler 0 ms): aggregate req/s; then one node is killed with SIGKILL and TAKEOVER_EVENTS events
#               from as many users are sent to the two others: seconds until all are handled (the dead node's
#               partitions wait for its lease, CLUSTER_LEASE [PT10S]). Target: <= lease + 2 s, nothing lost.
#   coldburst   (issue 15) a fresh node (its warm-up at most COLD_WARM_UP [PT20S]) meets the burst rate, open loop,
#               for COLD_DURATION s [20] starting 2 s after /health reports ready, -Xmx256m: p50/p99/max per 5 s
#               window, then nothing lost or handled twice after the drain; then the no-work Armeria floor
#               started (2 s after its port opens) and driven the same way. Target: no ack >= 2,000 ms, p99 <= 250 ms.
#   coldwrk     (issue 15) wrk -c STORE_CONNECTIONS for the first 3 s after a fresh node is ready, and the same
#               on the Armeria floor started the same way.
#   spring      (issue 13) wrk closed loop at COMPARE_CONNECTIONS, handler 0 ms and then 50 ms, side by side: the
#               baseline (Jetty + line-bot-parser, handler on the request thread), `linegate serve` (BenchBot) and a
#               Spring Boot 3.5 app (Tomcat, Spring MVC, bench/spring) on the linegate starter, SQLite, WORKERS:
#               req/s, p50, p99, non-200, starter/baseline and starter/serve. Target (50 ms): >= 5x baseline, p99 < 50 ms.
#
# Environment (defaults in brackets):
#   DURATION          seconds per measured run of every scenario [throughput/compare 30, burst 60]
#   BURST_DURATION    burst seconds [DURATION or 60]      WARMUP   warm-up seconds before each wrk run [10]
#   BURST_WARMUP      seconds at the burst rate before the measured burst [30]: a JVM that has just
#                     started needs 15-25 s on this machine before it keeps up (see docs/benchmarks.md)
#   RUNS              repetitions [1]                      WORKERS  linegate handler threads [32]
#   CONNECTIONS       wrk connection counts, throughput, one server each ["64 128 256"]
#   COMPARE_CONNECTIONS  wrk connections, compare [200 = the baseline's thread pool]
#   WRK_THREADS       wrk threads [2]                      BODIES   distinct signed bodies for wrk [600000]
#   BURST_WARMUP_KIND "events" (warm-up webhooks carry events, which join the backlog) or "empty"
#                     (Verify-button webhooks: the ack path only) [events]
#   BURST_RATE        burst req/s [10 * WORKERS * 1000 / 50]  BURST_CONNECTIONS  open-loop connections [256]
#   DRAIN_TIMEOUT     max seconds to wait for the burst backlog to drain [1500]
#   BOT_JAVA_OPTS     JVM options of the linegate server [-Xmx256m for burst, none otherwise]
#   NODE_JAVA_OPTS    JVM options of the cluster scenarios' nodes (e.g. -XX:StartFlightRecording=...) [none]
#   EMULATOR_EVENTS   webhook events measured [400000]   EMULATOR_WARMUP  events before measuring [50000]
#   EMULATOR_PROTOCOLS  receiver protocols ["h1c h2c"]   PUSH_REQUESTS  pushes measured [400000]
#   EMULATOR_SECONDS  time bound of one emulator run [120]
#   EMULATOR_JAVA_OPTS  JVM options of the emulator runs [-Xmx512m: the queue bound keeps the heap bounded]
#   PAGE_CLIENTS      chat page streams of emulator-page [50]
#   RESULTS           output directory [bench/results/<UTC timestamp>]
#   BENCH_JAR         a bench jar built beforehand: measured instead of building this checkout (no Maven)
#   BEFORE_JAR        a bench jar of an earlier build (throughput-before, compare-before, store, cpu, cluster,
#                     cluster-stall)
#   CPU_REQUESTS      webhooks of the cpu scenario's fixed load [300000]   CPU_CONNECTIONS  its wrk connections [64]
#   CPU_SECONDS       time bound of that load [120]
#   CLUSTER_NODES     node counts of the cluster scenario ["1 2 3"], each 1..9
#   CLUSTER_CONNECTIONS  wrk connections per node [8]     CLUSTER_WRK_THREADS  wrk threads per node [1]
#   CLUSTER_BODIES    distinct signed bodies per node [200000] CLUSTER_DELAY_MS  proxy delay each way, ms [2]
#   CLUSTER_WARM_BODIES  distinct warm-up bodies per node [WARMUP x 1000, within 20000..1000000]
#   CLUSTER_WARM_ROUNDS  the cluster warm-up's rounds, each on new connections, then a scrape [3]
#   CLUSTER_LEASE     the nodes' partition lease [PT10S]
#   PG_PARENT         where the scenarios' PostgreSQL keeps its data [/tmp, this machine's disk]; /dev/shm puts it
#                     in memory, where a WAL flush costs nothing: to tell the disk's share of a figure, never a
#                     production figure
#   CLUSTER_DRAIN_TIMEOUT  max seconds of each backlog drain in cluster and cluster-stall [300]
#   STALL_RATE        cluster-stall webhooks/s on nodes 0 and 1 [10]  STALL_STOP_RATE  on node 2, the stopped one [100]   STALL_SECONDS  how long node 2 is stopped [20]
#   STALL_PUSH        1: cluster-stall's handlers push to the emulator, 0: they only count [1]
#   STALL_CYCLES      stops of node 2 in one cluster-stall run (each: before, stop, after) [3]
#   STALL_BEFORE      seconds of load before the stop [10]      STALL_AFTER    seconds of load after SIGCONT [10]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
JAR="${BENCH_JAR:-$BENCH/target/linegate-bench.jar}"
PROM="python3 $BENCH/promtool.py"

SCENARIOS="${SCENARIOS:-throughput ceiling compare burst}"
RUN_SECONDS="${DURATION:-30}"
BURST_DURATION="${BURST_DURATION:-${DURATION:-60}}"
WARMUP="${WARMUP:-10}"
BURST_WARMUP="${BURST_WARMUP:-30}"
RUNS="${RUNS:-1}"
WORKERS="${WORKERS:-32}"
HANDLER_MS=50
CONNECTIONS="${CONNECTIONS:-64 128 256}"
COMPARE_CONNECTIONS="${COMPARE_CONNECTIONS:-200}"
WRK_THREADS="${WRK_THREADS:-2}"
BODIES="${BODIES:-600000}"
BURST_RATE="${BURST_RATE:-$((10 * WORKERS * 1000 / HANDLER_MS))}"
BURST_CONNECTIONS="${BURST_CONNECTIONS:-256}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-1500}"
RESULTS="${RESULTS:-$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)}"
EMULATOR_EVENTS="${EMULATOR_EVENTS:-400000}"
EMULATOR_WARMUP="${EMULATOR_WARMUP:-50000}"
EMULATOR_PROTOCOLS="${EMULATOR_PROTOCOLS:-h1c h2c}"
PUSH_REQUESTS="${PUSH_REQUESTS:-400000}"
EMULATOR_SECONDS="${EMULATOR_SECONDS:-120}"
EMULATOR_JAVA_OPTS="${EMULATOR_JAVA_OPTS:--Xmx512m}"
PAGE_CLIENTS="${PAGE_CLIENTS:-50}"
CPU_REQUESTS="${CPU_REQUESTS:-300000}"
CPU_CONNECTIONS="${CPU_CONNECTIONS:-64}"
CPU_SECONDS="${CPU_SECONDS:-120}"
CHROMEDRIVER_PORT=18140 # the console scenario's chromedriver
BOT_PORT=18080; BOT_STATS=18090; BOT_ADMIN=18092; BASE_PORT=18081; BASE_STATS=18091
SPRING_PORT=18082; SPRING_STATS=18093 # the spring scenario's Spring Boot application
PG_PORT=15432            # the store scenarios' PostgreSQL server
STORE_CONNECTIONS="${STORE_CONNECTIONS:-64}"
KAFKA_PORT=19092         # the kafka scenario's broker (its controller on 19093)
KAFKA_LIB="${KAFKA_LIB:-$BENCH/target/kafka-lib}"
CLUSTER_LEASE="${CLUSTER_LEASE:-PT10S}"
TAKEOVER_EVENTS="${TAKEOVER_EVENTS:-640}"
PG_STORE="postgresql://127.0.0.1:$PG_PORT/linegate?user=postgres"
PROXY_PORT=15433         # the cluster scenarios' delay proxy in front of PostgreSQL
PROXY_STORE="postgresql://127.0.0.1:$PROXY_PORT/linegate?user=postgres"
CLUSTER_NODES="${CLUSTER_NODES:-1 2 3}"
CLUSTER_CONNECTIONS="${CLUSTER_CONNECTIONS:-8}"
CLUSTER_WRK_THREADS="${CLUSTER_WRK_THREADS:-1}"
CLUSTER_BODIES="${CLUSTER_BODIES:-200000}"
CLUSTER_DELAY_MS="${CLUSTER_DELAY_MS:-2}"
CLUSTER_FIRST=20000000   # event ids of the cluster scenario's runs: node i from CLUSTER_FIRST + i * CLUSTER_BODIES
CLUSTER_WARM_FIRST=30000000 # event ids of its warm-ups: node i from CLUSTER_WARM_FIRST + i * CLUSTER_WARM_BODIES
# Distinct warm-up bodies per node: enough for WARMUP seconds at 1,000 webhooks/s (a node behind the proxy takes about
# 400), at least 20,000 and at most 1,000,000 (the ids must stay below STALL_FIRST for 9 nodes). Fewer, and the warm-up
# cycles through ids already seen: its later part is acknowledged and dropped as duplicates, the handling path (events,
# handlers, done-marks) goes cold, and the JIT recompiles it in the measured window (seen: 108 methods made not entrant
# in the 10 s after a 60 s warm-up of 20,000 bodies).
CLUSTER_WARM_ROUNDS="${CLUSTER_WARM_ROUNDS:-3}"
CLUSTER_WARM_BODIES="${CLUSTER_WARM_BODIES:-$(( WARMUP * 1000 < 20000 ? 20000 : (WARMUP * 1000 > 1000000 ? 1000000 : WARMUP * 1000) ))}"
STALL_FIRST=40000000     # event ids of cluster-stall: node i from STALL_FIRST + i * 1000000
STALL_RATE="${STALL_RATE:-10}"
STALL_STOP_RATE="${STALL_STOP_RATE:-100}"
STALL_PUSH="${STALL_PUSH:-1}"
STALL_CYCLES="${STALL_CYCLES:-3}"
EMULATOR_PORT=18130      # cluster-stall's LINE Platform emulator, which the nodes push to
CLUSTER_DRAIN_TIMEOUT="${CLUSTER_DRAIN_TIMEOUT:-300}"
STALL_SECONDS="${STALL_SECONDS:-20}"
STALL_BEFORE="${STALL_BEFORE:-10}"
STALL_AFTER="${STALL_AFTER:-10}"
STATUS_EVENTS="${STATUS_EVENTS:-100000}"
STATUS_CALLS="${STATUS_CALLS:-20}"
BURST_FIRST=1000000      # event ids of the burst
BURST_WARM_FIRST=3000000 # event ids of the burst's warm-up
COLD_FIRST=7000000       # event ids of the cold burst
COLD_DURATION="${COLD_DURATION:-20}"
COLD_WARM_UP="${COLD_WARM_UP:-PT20S}"
WARM_FIRST=5000000       # event ids of the wrk warm-up bodies
CPU_FIRST=9000000        # event ids of the cpu scenario's fixed load
# The fixed test channel secret of the benchmark (not a real channel's).
export BENCH_CHANNEL_SECRET="${BENCH_CHANNEL_SECRET:-0123456789abcdef0123456789abcdef}"

mkdir -p "$RESULTS"
TSV="$RESULTS/results.tsv"
SERVER_PID=""
SAMPLER_PID=""
PG_PID=""
PROXY_PID=""
EMU_PID=""
NODE_PIDS=()
KAFKA_PID=""

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/run.log" >&2; }

cleanup() {
  if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [[ -n "${BROWSER_PID:-}" ]]; then kill "$BROWSER_PID" 2>/dev/null || true; fi
  if [[ -n "$SERVER_PID" ]]; then stop_server; fi
  if declare -F stop_kafka >/dev/null; then stop_kafka; fi
  if declare -F stop_nodes >/dev/null; then stop_nodes; stop_proxy; stop_postgres; stop_emulator; fi
}
trap cleanup EXIT

# ---- prerequisites ------------------------------------------------------------------------------

if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (Debian package)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
for c in java mvn curl python3 ss; do
  command -v "$c" >/dev/null 2>&1 || { echo "missing: $c" >&2; exit 1; }
done
SPRING_JAR="${SPRING_JAR:-$BENCH/spring/target/linegate-bench-spring.jar}"
if [[ -n "${BENCH_JAR:-}" ]]; then
  [[ -f "$BENCH_JAR" ]] || { echo "BENCH_JAR: no such file: $BENCH_JAR" >&2; exit 2; }
  if [[ " $SCENARIOS " == *" spring "* && ! -f "$SPRING_JAR" ]]; then
    echo "the spring scenario with BENCH_JAR needs SPRING_JAR (no such file: $SPRING_JAR)" >&2; exit 2
  fi
  log "measuring $JAR (BENCH_JAR, built beforehand; no Maven)"
else
  # Always the modules of this checkout, built in one reactor with bench (nothing installed into ~/.m2).
  log "building $JAR from the modules of $ROOT (reactor bench/reactor/pom.xml, no install)"
  mvn -B -ntp -q -f "$BENCH/reactor/pom.xml" -DskipTests -pl :linegate-bench -am package
fi
if [[ -z "${BENCH_JAR:-}" && " $SCENARIOS " == *" spring "* ]]; then
  # Its own module of the root build (Spring Boot's dependency management stays out of the bench jar); -am
  # builds the starter and the runtime of this checkout into it.
  log "building $SPRING_JAR"
  mvn -q -f "$ROOT/pom.xml" package -DskipTests -pl bench/spring -am
fi
CLUSTER_PORTS=""
if [[ " $SCENARIOS " == *" cluster"* || " $SCENARIOS " == *" kafka-cluster "* ]]; then
  for n in $CLUSTER_NODES; do
    [[ "$n" =~ ^[1-9]$ ]] || { echo "CLUSTER_NODES: each count must be 1..9, got '$n'" >&2; exit 2; }
  done
  for ((i = 0; i < 9; i++)); do CLUSTER_PORTS+=" $((18100 + i)) $((18110 + i)) $((18120 + i))"; done
  CLUSTER_PORTS+=" $PG_PORT $PROXY_PORT $EMULATOR_PORT"
fi
if [[ -n "${BEFORE_JAR:-}" && " $SCENARIOS " == *" cluster"* && ! -f "$BEFORE_JAR" ]]; then
  echo "BEFORE_JAR: no such file: $BEFORE_JAR" >&2; exit 2
fi
KAFKA_PORTS=""
if [[ " $SCENARIOS " == *" kafka"* ]]; then KAFKA_PORTS="$(seq -s' ' $KAFKA_PORT $((KAFKA_PORT + 5))) $PG_PORT"; fi
for p in $BOT_PORT $BOT_STATS $BOT_ADMIN $BASE_PORT $BASE_STATS $SPRING_PORT $SPRING_STATS $CLUSTER_PORTS $KAFKA_PORTS; do
  if ss -ltnH "sport = :$p" | grep -q .; then echo "port $p is busy on this machine" >&2; exit 1; fi
done

# ---- helpers ------------------------------------------------------------------------------------

wait_port() { # port, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -sS --max-time 2 -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listening on 127.0.0.1:$1 after $2 s" >&2; return 1
}

start_bot() { # handler-ms, java opts, log; on BOT_STORE if set, else a fresh SQLite data directory
  local data; data="$(mktemp -d /tmp/linegate-bench-data.XXXXXX)"
  # shellcheck disable=SC2086
  java $2 -jar "${BOT_JAR:-$JAR}" bot --port=$BOT_PORT --stats-port=$BOT_STATS --admin-port=$BOT_ADMIN --data-dir="$data" ${BOT_STORE:+--store=$BOT_STORE} \
    --handler-ms="$1" --workers="$WORKERS" ${BOT_WARM_UP:+--warm-up=$BOT_WARM_UP} ${BOT_JOURNAL:+--journal=$BOT_JOURNAL} ${BOT_KAFKA_PROPERTIES:+--kafka-properties=$BOT_KAFKA_PROPERTIES} ${BOT_ADMIN_TOKEN:+--admin-token=$BOT_ADMIN_TOKEN} >"$3" 2>&1 &
  SERVER_PID=$!
  SERVER_DATA="$data"
  wait_port $BOT_STATS 60
  wait_port $BOT_PORT 60
}

wait_ready() { # port, seconds: until /health answers 200 (a warming node answers 503)
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "127.0.0.1:$1 not ready after $2 s" >&2; return 1
}

start_baseline() { # handler-ms, log
  java -jar "$JAR" baseline --port=$BASE_PORT --stats-port=$BASE_STATS --handler-ms="$1" >"$2" 2>&1 &
  SERVER_PID=$!
  SERVER_DATA=""
  wait_port $BASE_STATS 60
  wait_port $BASE_PORT 60
}

start_spring() { # handler-ms, log: the Spring Boot application on the starter, a fresh SQLite directory; its
  # warm-up as serve's (BOT_WARM_UP, off by default): both get wrk's warm-up instead, and neither is waited for
  local data; data="$(mktemp -d /tmp/linegate-bench-spring.XXXXXX)"
  # The channel secret comes from BENCH_CHANNEL_SECRET (exported above), not from the command line.
  # shellcheck disable=SC2086
  java ${SPRING_JAVA_OPTS:-} -jar "$SPRING_JAR" --server.port=$SPRING_PORT --bench.stats-port=$SPRING_STATS \
    --linegate.store="sqlite:$data" --linegate.workers="$WORKERS" --bench.handler-ms="$1" \
    --linegate.warm-up="${BOT_WARM_UP:-0s}" >"$2" 2>&1 &
  SERVER_PID=$!
  SERVER_DATA="$data"
  wait_port $SPRING_STATS 90
  wait_port $SPRING_PORT 90
}

# wrk with a fixed load: CPU_REQUESTS responses in all (each thread its share), at most CPU_SECONDS. wrk runs
# until -d whatever its threads do, so it is sent SIGINT once every thread has marked its share done (wrk then
# prints its results, with the duration up to the signal; the polling adds at most 50 ms to it).
wrk_fixed() { # port, connections, bodies file, out
  local done_dir pid i f n
  done_dir="$(mktemp -d /tmp/linegate-bench-wrk.XXXXXX)"
  BODIES="$3" WRK_THREADS="$WRK_THREADS" REQUESTS="$CPU_REQUESTS" DONE_DIR="$done_dir" \
    wrk -t"$WRK_THREADS" -c"$2" -d"$CPU_SECONDS"s --timeout 10s --latency -s "$BENCH/wrk/webhooks.lua" \
    "http://127.0.0.1:$1/webhook" >"$4" 2>&1 &
  pid=$!
  for ((i = 0; i < (CPU_SECONDS + 60) * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    n=0; for f in "$done_dir"/*; do [[ -e "$f" ]] && n=$((n + 1)); done
    if ((n >= WRK_THREADS)); then kill -INT "$pid" 2>/dev/null || true; break; fi
    sleep 0.05
  done
  if ! wait_pid_for "$pid" 30; then log "wrk $pid did not end; SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  rm -rf "$done_dir"
}

wait_pid_for() { # pid, seconds: true once the process has ended
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

cpu_ticks() { # pid: utime + stime of the process so far, in CLK_TCK ticks (/proc/<pid>/stat fields 14 and 15;
  # counted after the ")" that ends field 2, the command name, which may hold spaces)
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

cpu_seconds() { # pid: user + system CPU seconds of the process so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU per request of a server around a measured window, the cpu scenario's /proc method for every scenario:
# utime + stime ticks read before and after, divided by the requests answered 200 (or acknowledged) in between.
cpu_per() { # ticks before, ticks after, requests: prints "cpu_s cpu_us" (empty cpu_us when nothing was answered)
  python3 -c "
import os
s = ($2 - $1) / os.sysconf('SC_CLK_TCK'); n = float('${3:-0}' or 0)
print(round(s, 2), round(s * 1e6 / n, 1) if n > 0 else '')"
}

start_postgres() { # log
  PG_DIR="$(mktemp -d "${PG_PARENT:-/tmp}/linegate-bench-pg.XXXXXX")"
  java -Xmx256m -jar "$JAR" postgres --port=$PG_PORT --dir="$PG_DIR/data" >"$1" 2>&1 &
  PG_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do grep -q "postgres ready" "$1" && return 0; sleep 0.1; done
  echo "PostgreSQL did not start (see $1)" >&2; return 1
}

start_kafka() { # dir, log: a fresh KRaft cluster of BROKERS [1] (bench/kafka-broker.sh) from KAFKA_PORT, topic bench.events
  KAFKA_DIR="$1"
  KAFKA_LIB="$KAFKA_LIB" BROKERS="${BROKERS:-1}" PORT=$KAFKA_PORT PREFIX=bench PARTITIONS=12 "$BENCH/kafka-broker.sh" "$KAFKA_DIR" >"$2" 2>&1 &
  KAFKA_PID=$!
  local i
  for ((i = 0; i < 1800; i++)); do
    grep -q "kafka-broker: ready" "$2" && { KAFKA_JVM=$(pgrep -P "$KAFKA_PID" java | head -1); return 0; }
    kill -0 "$KAFKA_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the Kafka broker did not start (see $2 and $KAFKA_DIR/broker.log)" >&2; return 1
}

stop_kafka() { # the script stops its broker on SIGTERM; its data goes with it (the jars stay in KAFKA_LIB)
  if [[ -z "$KAFKA_PID" ]]; then return 0; fi
  kill "$KAFKA_PID" 2>/dev/null || true
  wait "$KAFKA_PID" 2>/dev/null || true
  KAFKA_PID=""; KAFKA_JVM=""
  rm -rf "$KAFKA_DIR/log" "$KAFKA_DIR"/broker-*/log
}

stop_postgres() {
  if [[ -z "$PG_PID" ]]; then return 0; fi
  kill "$PG_PID" 2>/dev/null || true
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=""
  rm -rf "$PG_DIR"
}

start_node() { # index (0..8), log: a linegate node of BOT_JAR (else this build) on NODE_STORE (else PG_STORE)
  local port=$((18100 + $1)) stats=$((18110 + $1)) admin=$((18120 + $1))
  java ${NODE_JAVA_OPTS:-} -jar "${BOT_JAR:-$JAR}" bot --port=$port --stats-port=$stats --admin-port=$admin --store="${NODE_STORE:-$PG_STORE}" \
    --lease-time="$CLUSTER_LEASE" --handler-ms=0 --workers="$WORKERS" ${NODE_ARGS:-} >"$2" 2>&1 &
  NODE_PIDS[$1]=$!
  wait_port $stats 60
  wait_port $port 60
}

stop_nodes() { # SIGCONT first (cluster-stall may have stopped one), then SIGTERM; SIGKILL after 30 s
  local p
  for p in "${NODE_PIDS[@]:-}"; do [[ -n "$p" ]] && { kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; } || true; done
  for p in "${NODE_PIDS[@]:-}"; do
    [[ -n "$p" ]] || continue
    if ! wait_pid_for "$p" 30; then log "node $p did not stop in 30 s; SIGKILL"; kill -9 "$p" 2>/dev/null || true; fi
    wait "$p" 2>/dev/null || true
  done
  NODE_PIDS=()
}

start_emulator() { # log, token file: the LINE Platform emulator (this build's bench jar) on EMULATOR_PORT
  java -Xmx512m -jar "$JAR" emulator --port=$EMULATOR_PORT --token-file="$2" >"$1" 2>&1 &
  EMU_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do grep -q "emulator ready" "$1" && return 0; sleep 0.1; done
  echo "the emulator did not start (see $1)" >&2; return 1
}

stop_emulator() {
  if [[ -z "$EMU_PID" ]]; then return 0; fi
  kill "$EMU_PID" 2>/dev/null || true
  if ! wait_pid_for "$EMU_PID" 15; then kill -9 "$EMU_PID" 2>/dev/null || true; fi
  wait "$EMU_PID" 2>/dev/null || true
  EMU_PID=""
}

start_proxy() { # log: the delay proxy (this build's bench jar) on PROXY_PORT in front of PostgreSQL on PG_PORT
  java -Xmx256m -jar "$JAR" delay-proxy --listen=$PROXY_PORT --target=$PG_PORT --delay-ms="$CLUSTER_DELAY_MS" >"$1" 2>&1 &
  PROXY_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do grep -q "delay proxy ready" "$1" && return 0; sleep 0.1; done
  echo "the delay proxy did not start (see $1)" >&2; return 1
}

stop_proxy() { # logs the hold time the proxy achieved (it prints it on SIGTERM)
  if [[ -z "$PROXY_PID" ]]; then return 0; fi
  kill "$PROXY_PID" 2>/dev/null || true
  if ! wait_pid_for "$PROXY_PID" 15; then kill -9 "$PROXY_PID" 2>/dev/null || true; fi
  wait "$PROXY_PID" 2>/dev/null || true
  PROXY_PID=""
}

cluster_scrape() { # nodes, file prefix: each node's /metrics into PREFIX-<i>.prom (an empty file if it does not answer)
  local i
  for ((i = 0; i < $1; i++)); do
    curl -fsS --max-time 5 "http://127.0.0.1:$((18120 + i))/metrics" >"$2-$i.prom" 2>/dev/null || : >"$2-$i.prom"
  done
}

cluster_pairs() { # nodes, before prefix, now prefix: "BEFORE-0 NOW-0 BEFORE-1 NOW-1 ..." for promtool
  local i out=""
  for ((i = 0; i < $1; i++)); do out+=" $2-$i.prom $3-$i.prom"; done
  echo "$out"
}

# Seconds (0.01 s) from now until every webhook the nodes acknowledged since the BEFORE scrapes is handled (or
# deduplicated) on one of them, polled every 0.25 s (the first poll after 0.25 s, once the requests wrk left in
# flight are answered and counted); "timeout" after the given seconds.
cluster_drain() { # nodes, before prefix, scratch prefix, timeout seconds
  local t0 i
  t0=$(date +%s%N)
  for ((i = 0; i < $4 * 4; i++)); do # and at most $4 s of wall-clock time
    (($(date +%s%N) - t0 < $4 * 1000000000)) || break
    sleep 0.25
    cluster_scrape "$1" "$3"
    # shellcheck disable=SC2046
    if (($($PROM unhandled $(cluster_pairs "$1" "$2" "$3")) <= 0)); then
      python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 2))"; return 0
    fi
  done
  echo timeout
}

stop_server() {
  local i
  kill "$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then log "server $SERVER_PID did not stop in 30 s; SIGKILL"; kill -9 "$SERVER_PID" || true; fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  if [[ -n "${SERVER_DATA:-}" ]]; then rm -rf "$SERVER_DATA"; SERVER_DATA=""; fi
}

run_wrk() { # port, connections, seconds, bodies file, out
  BODIES="$4" WRK_THREADS="$WRK_THREADS" timeout $(($3 + 120)) \
    wrk -t"$WRK_THREADS" -c"$2" -d"$3"s --timeout 10s --latency -s "$BENCH/wrk/webhooks.lua" \
    "http://127.0.0.1:$1/webhook" >"$5" 2>&1
}

# /metrics is on the admin listener; a build from before issue 9 (BEFORE_JAR) serves it on the webhook port.
scrape() {
  curl -fsS --max-time 10 "http://127.0.0.1:$BOT_ADMIN/metrics" >"$1" 2>/dev/null \
    || curl -fsS --max-time 10 "http://127.0.0.1:$BOT_PORT/metrics" >"$1"
}
counts() { curl -fsS --max-time 10 "http://127.0.0.1:$1/counts${2:-}"; }
kv() { $PROM kv "$1" "$2"; }
kvn() { local v; v=$(kv "$1" "$2"); echo "${v:-0}"; } # as kv, 0 when absent (for arithmetic)

row() { # scenario run key=value...
  local scen="$1" run="$2"; shift 2
  local k v
  declare -A vals=()
  for kvp in "$@"; do k="${kvp%%=*}"; v="${kvp#*=}"; vals[$k]="$v"; done
  local header="scenario	run	rps	p50_ms	p99_ms	cold_p99_ms	server_p99_ms	non200	ratio	burst_rate	achieved_rps	max_heap_mib	max_queue_depth	drain_s	lost	duplicates	events_per_s	drain_events_per_s	max_ms	startup_s	cpu_s	cpu_us	gap_ms"
  [[ -f "$TSV" ]] || echo "$header" >"$TSV"
  local line="$scen	$run"
  for k in rps p50_ms p99_ms cold_p99_ms server_p99_ms non200 ratio burst_rate achieved_rps max_heap_mib max_queue_depth drain_s lost duplicates events_per_s drain_events_per_s max_ms startup_s cpu_s cpu_us gap_ms; do
    line+="	${vals[$k]:-}"
  done
  echo "$line" >>"$TSV"
}

tsv_value() { # scenario run column: that row's value in this run's results, empty if absent
  [[ -f "$TSV" ]] || return 0
  awk -F'\t' -v k="$1" -v r="$2" -v c="$3" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == c) col = i; next}
    $1 == k && $2 == r && col {print $col; exit}' "$TSV"
}

# This build / the earlier one (BEFORE_JAR) once both rows of this run are in: logged, and kept as a row of its own.
after_vs_before() { # run, row of this build, row of the earlier build, name of the ratio row[, column: rps]
  local r="$1" col="${5:-rps}" a b ratio
  a=$(tsv_value "$2" "$r" "$col"); b=$(tsv_value "$3" "$r" "$col")
  [[ -n "$a" && -n "$b" ]] || return 0
  ratio=$(python3 -c "print(round(float('$a') / max(float('$b'), 1e-9), 3))")
  log "  this build / the earlier one ($col): $ratio ($a / $b)"
  row "$4" "$r" ratio="$ratio"
}

# Waits until the bot's queue is empty (bounded); prints the seconds it took.
wait_drained() { # timeout seconds, metrics file prefix
  local t0 i depth
  t0=$(date +%s)
  for ((i = 0; i < $1; i++)); do
    scrape "$2.drain.prom"
    depth=$($PROM value "$2.drain.prom" linegate_queue_depth)
    if [[ "${depth%.*}" == "0" ]]; then echo $(($(date +%s) - t0)); return 0; fi
    sleep 1
  done
  echo "timeout"
  return 0
}

# The Kafka journal's queue depth counts only the events this node has fetched (so "empty" can come before the
# topic is read to its end) and its events are not counted as received: handled once the bench bot has handled
# as many distinct event ids as webhooks were acknowledged (each body carries one event of its own id; the runs
# send fewer webhooks than BODIES, so no id comes twice), then prints the seconds it took.
wait_handled() { # timeout seconds, metrics file prefix
  local t0 i acked distinct
  t0=$(date +%s)
  for ((i = 0; i < $1 * 2; i++)); do
    scrape "$2.drain.prom"
    acked=$($PROM value "$2.drain.prom" 'linegate_webhook_requests_total{status="200"}')
    distinct=$(counts $BOT_STATS | $PROM kv /dev/stdin distinct)
    if python3 -c "import sys; sys.exit(0 if float('${distinct:-0}' or 0) >= float('${acked:-0}' or 0) else 1)"; then
      echo $(($(date +%s) - t0)); return 0
    fi
    sleep 0.5
  done
  echo "timeout"
  return 0
}

# ---- bodies ---------------------------------------------------------------------------------------

WARM_BODIES="$RESULTS/warmup-bodies.txt"
MAIN_BODIES="$RESULTS/bodies.txt"
if [[ " $SCENARIOS " == *" throughput "* || " $SCENARIOS " == *" compare "* || " $SCENARIOS " == *" ceiling "* \
      || " $SCENARIOS " == *" store "* || " $SCENARIOS " == *" kafka "* || " $SCENARIOS " == *" kafka-cluster "* || " $SCENARIOS " == *" cluster-takeover "* || " $SCENARIOS " == *" coldwrk "* \
      || " $SCENARIOS " == *" throughput-before "* || " $SCENARIOS " == *" attack "* || " $SCENARIOS " == *" attack-before "* \
      || " $SCENARIOS " == *" spring "* || " $SCENARIOS " == *" console "* \
      || " $SCENARIOS " == *" compare-before "* ]]; then
  log "generating $BODIES signed bodies (+20000 for warm-up)"
  java -jar "$JAR" gen --out="$MAIN_BODIES" --first=0 --count="$BODIES" | tee -a "$RESULTS/run.log"
  java -jar "$JAR" gen --out="$WARM_BODIES" --first=$WARM_FIRST --count=20000 | tee -a "$RESULTS/run.log"
fi
CLUSTER_MAX=0
if [[ " $SCENARIOS " == *" cluster "* ]]; then
  for n in $CLUSTER_NODES; do ((n > CLUSTER_MAX)) && CLUSTER_MAX=$n; done
  log "generating the cluster scenario's bodies: $CLUSTER_BODIES (+$CLUSTER_WARM_BODIES for warm-up) for each of $CLUSTER_MAX nodes, ids of their own"
  for ((i = 0; i < CLUSTER_MAX; i++)); do
    java -jar "$JAR" gen --out="$RESULTS/cluster-bodies-$i.txt" --first=$((CLUSTER_FIRST + i * CLUSTER_BODIES)) --count="$CLUSTER_BODIES" | tee -a "$RESULTS/run.log"
    for ((s = 0; s < CLUSTER_WARM_ROUNDS; s++)); do # each round's wrk starts at its file's first body: a file each
      java -jar "$JAR" gen --out="$RESULTS/cluster-warm-bodies-$i-$s.txt" --count=$((CLUSTER_WARM_BODIES / CLUSTER_WARM_ROUNDS)) \
        --first=$((CLUSTER_WARM_FIRST + i * CLUSTER_WARM_BODIES + s * (CLUSTER_WARM_BODIES / CLUSTER_WARM_ROUNDS))) | tee -a "$RESULTS/run.log"
    done
  done
fi
CPU_BODIES="$RESULTS/cpu-bodies.txt"
if [[ " $SCENARIOS " == *" cpu "* ]]; then
  log "generating the cpu scenario's $CPU_REQUESTS signed bodies, ids from $CPU_FIRST"
  java -jar "$JAR" gen --out="$CPU_BODIES" --first=$CPU_FIRST --count="$CPU_REQUESTS" | tee -a "$RESULTS/run.log"
  [[ -f "$WARM_BODIES" ]] || java -jar "$JAR" gen --out="$WARM_BODIES" --first=$WARM_FIRST --count=20000 | tee -a "$RESULTS/run.log"
fi

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "mem: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Which builds are measured: the jar (built here from this checkout, or BENCH_JAR) and BEFORE_JAR.
  if [[ -z "${BENCH_JAR:-}" ]]; then
    echo "repo HEAD: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); uncommitted files outside bench/: $(git -C "$ROOT" status --porcelain -- . ':!bench' 2>/dev/null | wc -l)"
  fi
  echo "bench jar: $JAR built $(date -u -r "$JAR" +%FT%TZ) sha256 $(sha256sum "$JAR" | cut -c1-16)"
  if [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]]; then
    echo "before jar: $BEFORE_JAR built $(date -u -r "$BEFORE_JAR" +%FT%TZ) sha256 $(sha256sum "$BEFORE_JAR" | cut -c1-16)"
  fi
  if [[ " $SCENARIOS " == *" cluster"* ]]; then
    echo "cluster settings: CLUSTER_NODES='$CLUSTER_NODES' CLUSTER_CONNECTIONS=$CLUSTER_CONNECTIONS CLUSTER_WRK_THREADS=$CLUSTER_WRK_THREADS CLUSTER_BODIES=$CLUSTER_BODIES CLUSTER_DELAY_MS=$CLUSTER_DELAY_MS CLUSTER_LEASE=$CLUSTER_LEASE STALL_RATE=$STALL_RATE STALL_STOP_RATE=$STALL_STOP_RATE STALL_BEFORE=$STALL_BEFORE STALL_SECONDS=$STALL_SECONDS STALL_AFTER=$STALL_AFTER"
  fi
  echo "settings: SCENARIOS='$SCENARIOS' RUN_SECONDS=$RUN_SECONDS BURST_DURATION=$BURST_DURATION WARMUP=$WARMUP BURST_WARMUP=$BURST_WARMUP RUNS=$RUNS WORKERS=$WORKERS CONNECTIONS=$CONNECTIONS COMPARE_CONNECTIONS=$COMPARE_CONNECTIONS WRK_THREADS=$WRK_THREADS BODIES=$BODIES BURST_RATE=$BURST_RATE CPU_REQUESTS=$CPU_REQUESTS CPU_CONNECTIONS=$CPU_CONNECTIONS"
} | tee "$RESULTS/machine.txt"

# ---- scenarios ------------------------------------------------------------------------------------

scenario_throughput() { # run
  local c
  for c in $CONNECTIONS; do
    throughput_at "$1" "$c"
    after_vs_before "$1" "throughput-c$c" "throughput-before-c$c" "throughput-after-vs-before-c$c"
  done
}

throughput_at() { # run connections [label: throughput by default; the store is BOT_STORE or a fresh SQLite directory]
  local r="$1" C="$2" label="${3:-throughput}" d="$RESULTS/${3:-throughput}-c$2-$1"
  mkdir -p "$d"
  log "$label c=$C #$r: linegate, handler 0 ms, wrk -t$WRK_THREADS -c$C, ${WARMUP}s warm-up + ${RUN_SECONDS}s"
  start_bot 0 "${BOT_JAVA_OPTS:-}" "$d/server.log"
  run_wrk $BOT_PORT "$C" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup.txt"
  if [[ -n "${BOT_BROWSER:-}" ]]; then browser_open "$d"; fi
  sleep 2
  scrape "$d/before.prom"
  local ticks0 ticks1 cpu
  ticks0=$(cpu_ticks "$SERVER_PID")
  local xticks0=""
  if [[ -n "${EXTRA_CPU_PID:-}" ]]; then xticks0=$(cpu_ticks "$EXTRA_CPU_PID"); fi
  run_wrk $BOT_PORT "$C" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk.txt"
  scrape "$d/after.prom"
  if [[ -n "${BOT_BROWSER:-}" ]]; then browser_close "$d"; fi
  local sp99 drain
  sp99=$($PROM quantile "$d/before.prom" "$d/after.prom" 0.99)
  if [[ -n "${BOT_JOURNAL:-}" ]]; then drain=$(wait_handled 300 "$d/q"); else drain=$(wait_drained 300 "$d/q"); fi
  scrape "$d/end.prom"
  # CPU per acknowledged and handled webhook: from before the run until its events are handled (queue empty).
  ticks1=$(cpu_ticks "$SERVER_PID")
  cpu=$(cpu_per "$ticks0" "$ticks1" "$($PROM delta "$d/before.prom" "$d/end.prom" 'linegate_webhook_requests_total{status="200"}')")
  counts $BOT_STATS >"$d/counts.txt"
  # Consistency: every 200 is one journaled body; each body's one event is handled once unless its id
  # was already seen (wrk cycles through BODIES); the handler never runs twice for an id.
  local acked received dup handled distinct runs hdup lost
  acked=$($PROM value "$d/end.prom" 'linegate_webhook_requests_total{status="200"}')
  received=$($PROM value "$d/end.prom" linegate_events_received_total)
  dup=$($PROM value "$d/end.prom" linegate_events_duplicate_total)
  handled=$($PROM value "$d/end.prom" 'linegate_events_processed_total{outcome="handled"}')
  distinct=$(kv "$d/counts.txt" distinct); runs=$(kv "$d/counts.txt" runs); hdup=$(kv "$d/counts.txt" duplicates)
  lost=$(python3 -c "print(int($received - $dup - $distinct))")
  # On Kafka no event is counted as received (see wait_handled): lost = acknowledged and not handled (the requests
  # wrk leaves in flight at its end are journaled and handled without being counted as 200s: not negative).
  if [[ -n "${BOT_JOURNAL:-}" ]]; then lost=$(python3 -c "print(max(0, int($acked - $distinct)))"); fi
  log "  wrk: $(kv "$d/wrk.txt" rps) req/s, p50 $(kv "$d/wrk.txt" p50_ms) ms, p99 $(kv "$d/wrk.txt" p99_ms) ms (server-side p99 $sp99 ms), non-200 $(kv "$d/wrk.txt" non200), socket errors $(kv "$d/wrk.txt" socket_errors)"
  log "  acked $acked, events received $received, deduplicated $dup (wrk repeats bodies), handled $handled, distinct handled $distinct, handler runs $runs, run twice $hdup, lost $lost, processing caught up after ${drain} s"
  log "  server CPU ${cpu% *} s from the run's start until its events were handled: ${cpu#* } us per acknowledged and handled webhook"
  if [[ -n "$xticks0" ]]; then # another process of the same work (the Kafka broker), over the same window
    local xcpu
    xcpu=$(cpu_per "$xticks0" "$(cpu_ticks "$EXTRA_CPU_PID")" "$($PROM delta "$d/before.prom" "$d/end.prom" 'linegate_webhook_requests_total{status="200"}')")
    log "  ${EXTRA_CPU_NAME:-other process} CPU ${xcpu% *} s over the same window: ${xcpu#* } us per acknowledged and handled webhook"
    row "${EXTRA_CPU_NAME:-other}-c$C" "$r" cpu_s="${xcpu% *}" cpu_us="${xcpu#* }"
  fi
  row "$label-c$C" "$r" rps="$(kv "$d/wrk.txt" rps)" p50_ms="$(kv "$d/wrk.txt" p50_ms)" p99_ms="$(kv "$d/wrk.txt" p99_ms)" \
    server_p99_ms="$sp99" non200="$(kv "$d/wrk.txt" non200)" drain_s="$drain" lost="$lost" duplicates="$hdup" \
    cpu_s="${cpu% *}" cpu_us="${cpu#* }"
  stop_server
}

# The console scenario's browser: headless Chromium driven by chromedriver's WebDriver API (curl, no
# Selenium), signed in to the console on the admin listener, its overview open and polling once a second.
CONSOLE_TOKEN="bench-console-admin-token-0123456789abcdef"
wd() { # method path [json]: one WebDriver call to chromedriver, its JSON answer on stdout
  curl -fsS --max-time 30 -X "$1" -H 'content-type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$CHROMEDRIVER_PORT$2"
}
wd_value() { python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print(v if not isinstance(v, dict) else next(iter(v.values())))'; }
browser_open() { # dir: Chromium signed in, on the overview
  chromedriver --port=$CHROMEDRIVER_PORT >"$1/chromedriver.log" 2>&1 &
  BROWSER_PID=$!
  wait_port $CHROMEDRIVER_PORT 30 || true
  BROWSER_PROFILE="$(mktemp -d /tmp/linegate-bench-chromium.XXXXXX)"
  BROWSER_SESSION=$(wd POST /session '{"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:chromeOptions":{"binary":"/usr/bin/chromium","args":["--headless=new","--no-sandbox","--disable-dev-shm-usage","--disable-gpu","--window-size=1280,900","--user-data-dir='"$BROWSER_PROFILE"'"]}}}}'     | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["sessionId"])')
  local s="/session/$BROWSER_SESSION" el i
  wd POST "$s/url" '{"url":"http://127.0.0.1:'$BOT_ADMIN'/console/"}' >/dev/null
  for ((i = 0; i < 100; i++)); do el=$(wd POST "$s/element" '{"using":"css selector","value":"#token"}' 2>/dev/null | wd_value) && break; sleep 0.1; done
  wd POST "$s/element/$el/value" '{"text":"'"$CONSOLE_TOKEN"'"}' >/dev/null
  el=$(wd POST "$s/element" '{"using":"css selector","value":"#signin-button"}' | wd_value)
  wd POST "$s/element/$el/click" '{}' >/dev/null
  for ((i = 0; i < 100; i++)); do
    [[ "$(wd POST "$s/execute/sync" '{"script":"return document.getElementById(\"app\").hidden","args":[]}' | wd_value)" == "False" ]] && break
    sleep 0.1
  done
  log "  browser: Chromium signed in to the console, overview open (polling api/overview every second)"
}
browser_close() { # dir: what the page counted, then the browser closed
  local s="/session/$BROWSER_SESSION" seen
  seen=$(wd POST "$s/execute/sync" '{"script":"return document.getElementById(\"fig-webhooks-hour\").textContent","args":[]}' | wd_value || echo "?")
  log "  browser: the overview counted $seen webhooks in its last hour"
  wd DELETE "$s" >/dev/null 2>&1 || true
  kill "$BROWSER_PID" 2>/dev/null || true
  wait "$BROWSER_PID" 2>/dev/null || true
  BROWSER_PID=""
  rm -rf "$BROWSER_PROFILE"
  echo "$seen" >"$1/overview-webhooks.txt"
}

scenario_console() { # run (issue 27): the acknowledgement path with the console off (BEFORE_JAR, a build without it, if
  # given), with it on and nobody signed in, and with its overview open in Chromium; same load as throughput
  local r="$1" c
  for c in $CONNECTIONS; do
    if [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]]; then BOT_JAR="$BEFORE_JAR" throughput_at "$r" "$c" console-before; fi
    throughput_at "$r" "$c" console-off
    if [[ -n "${CONSOLE_ON:-}" ]]; then BOT_ADMIN_TOKEN="$CONSOLE_TOKEN" throughput_at "$r" "$c" console-on; fi
    BOT_ADMIN_TOKEN="$CONSOLE_TOKEN" BOT_BROWSER=1 throughput_at "$r" "$c" console-open
    after_vs_before "$r" "console-open-c$c" "console-off-c$c" "console-open-vs-off-c$c"
    after_vs_before "$r" "console-open-c$c" "console-on-c$c" "console-open-vs-on-c$c"
    if [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]]; then after_vs_before "$r" "console-open-c$c" "console-before-c$c" "console-open-vs-before-c$c"; fi
  done
}

scenario_throughput_before() { # run: the throughput scenario on BEFORE_JAR, an earlier build, in this run
  local c
  [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]] || { echo "throughput-before needs BEFORE_JAR (a bench jar of the earlier build)" >&2; exit 2; }
  for c in $CONNECTIONS; do
    BOT_JAR="$BEFORE_JAR" throughput_at "$1" "$c" throughput-before
    after_vs_before "$1" "throughput-c$c" "throughput-before-c$c" "throughput-after-vs-before-c$c"
  done
}

scenario_attack() { # run [label: attack]: legitimate signed webhooks alone, then while ATTACKERS slow 1 MiB bodies hold connections
  local r="$1" label="${2:-attack}" C="${ATTACK_CONNECTIONS:-64}" A="${ATTACKERS:-600}" d="$RESULTS/${2:-attack}-$1"
  local opts="${ATTACK_JAVA_OPTS:--Xmx384m -XX:+ExitOnOutOfMemoryError}"
  mkdir -p "$d"
  log "$label #$r: wrk -t$WRK_THREADS -c$C alone, then with $A slow unsigned 1 MiB bodies; ${WARMUP}s warm-up + ${RUN_SECONDS}s each; server $opts"
  start_bot 0 "$opts" "$d/server.log"
  run_wrk $BOT_PORT "$C" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup.txt"
  sleep 2
  run_wrk $BOT_PORT "$C" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk-alone.txt"
  java -Xmx256m -jar "$JAR" attack --port=$BOT_PORT --connections="$A" --seconds=$((RUN_SECONDS + 25)) >"$d/attack.txt" 2>&1 &
  local attack_pid=$!
  sleep 15 # the attack takes its connections and the body budget
  scrape "$d/under-attack.prom" || true
  run_wrk $BOT_PORT "$C" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk-attacked.txt"
  wait "$attack_pid" || true
  local alive=yes oom=no ratio
  kill -0 "$SERVER_PID" 2>/dev/null || alive=no
  grep -q OutOfMemoryError "$d/server.log" && oom=yes
  ratio=$(python3 -c "print(round($(kv "$d/wrk-attacked.txt" rps) / max($(kv "$d/wrk-alone.txt" rps), 1), 2))")
  log "  alone: $(kv "$d/wrk-alone.txt" rps) req/s, p99 $(kv "$d/wrk-alone.txt" p99_ms) ms, non-200 $(kv "$d/wrk-alone.txt" non200)"
  log "  under attack: $(kv "$d/wrk-attacked.txt" rps) req/s, p99 $(kv "$d/wrk-attacked.txt" p99_ms) ms, non-200 $(kv "$d/wrk-attacked.txt" non200), socket errors $(kv "$d/wrk-attacked.txt" socket_errors); ratio $ratio (target >= 0.5)"
  log "  attack: $(tr '\n' ' ' <"$d/attack.txt"); body bytes in memory during the attack $($PROM value "$d/under-attack.prom" linegate_request_bodies_in_flight_bytes 2>/dev/null || echo '?'), overloaded $($PROM value "$d/under-attack.prom" linegate_requests_overloaded_total 2>/dev/null || echo '?'); server alive $alive, OutOfMemoryError $oom"
  row "$label-alone" "$r" rps="$(kv "$d/wrk-alone.txt" rps)" p50_ms="$(kv "$d/wrk-alone.txt" p50_ms)" p99_ms="$(kv "$d/wrk-alone.txt" p99_ms)" \
    non200="$(kv "$d/wrk-alone.txt" non200)"
  row "$label-attacked" "$r" rps="$(kv "$d/wrk-attacked.txt" rps)" p50_ms="$(kv "$d/wrk-attacked.txt" p50_ms)" \
    p99_ms="$(kv "$d/wrk-attacked.txt" p99_ms)" non200="$(kv "$d/wrk-attacked.txt" non200)" ratio="$ratio"
  stop_server
  if [[ "$label" == attack ]]; then # attack-before may have run first in this run
    after_vs_before "$r" attack-alone attack-before-alone attack-after-vs-before-alone
    after_vs_before "$r" attack-attacked attack-before-attacked attack-after-vs-before-attacked
  fi
}

scenario_attack_before() { # run: the attack scenario's server on BEFORE_JAR (the attacker is this build's), in this run
  [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]] || { echo "attack-before needs BEFORE_JAR (a bench jar of the earlier build)" >&2; exit 2; }
  BOT_JAR="$BEFORE_JAR" scenario_attack "$1" attack-before
  after_vs_before "$1" attack-alone attack-before-alone attack-after-vs-before-alone
  after_vs_before "$1" attack-attacked attack-before-attacked attack-after-vs-before-attacked
}

scenario_ceiling() { # run: a reference point, bare Armeria + HMAC, nothing stored
  local r="$1" C="${CEILING_CONNECTIONS:-64}" d="$RESULTS/ceiling-$1"
  mkdir -p "$d"
  log "ceiling #$r: bare Armeria + HMAC check, no journal/log/metrics, wrk -t$WRK_THREADS -c$C, ${WARMUP}s warm-up + ${RUN_SECONDS}s"
  java -jar "$JAR" ceiling --port=$BOT_PORT >"$d/server.log" 2>&1 &
  SERVER_PID=$!
  SERVER_DATA=""
  wait_port $BOT_PORT 60
  run_wrk $BOT_PORT "$C" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup.txt"
  sleep 1
  local ticks0 cpu
  ticks0=$(cpu_ticks "$SERVER_PID")
  run_wrk $BOT_PORT "$C" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk.txt"
  # The floor counts nothing: its requests are wrk's 200s.
  cpu=$(cpu_per "$ticks0" "$(cpu_ticks "$SERVER_PID")" "$(( $(kvn "$d/wrk.txt" requests) - $(kvn "$d/wrk.txt" non200) ))")
  log "  ceiling: $(kv "$d/wrk.txt" rps) req/s, p50 $(kv "$d/wrk.txt" p50_ms) ms, p99 $(kv "$d/wrk.txt" p99_ms) ms; server CPU ${cpu#* } us per request answered"
  row "ceiling-c$C" "$r" rps="$(kv "$d/wrk.txt" rps)" p50_ms="$(kv "$d/wrk.txt" p50_ms)" p99_ms="$(kv "$d/wrk.txt" p99_ms)" \
    non200="$(kv "$d/wrk.txt" non200)" cpu_s="${cpu% *}" cpu_us="${cpu#* }"
  stop_server
}

scenario_compare() { # run
  local r="$1" d="$RESULTS/compare-$1"
  mkdir -p "$d"
  log "compare #$r: handler ${HANDLER_MS} ms, wrk -t$WRK_THREADS -c$COMPARE_CONNECTIONS, ${WARMUP}s warm-up + ${RUN_SECONDS}s each"
  start_baseline $HANDLER_MS "$d/baseline.log"
  run_wrk $BASE_PORT "$COMPARE_CONNECTIONS" "$WARMUP" "$WARM_BODIES" "$d/baseline-wrk-warmup.txt"
  sleep 1
  local ticks0 cpu
  ticks0=$(cpu_ticks "$SERVER_PID")
  run_wrk $BASE_PORT "$COMPARE_CONNECTIONS" "$RUN_SECONDS" "$MAIN_BODIES" "$d/baseline-wrk.txt"
  cpu=$(cpu_per "$ticks0" "$(cpu_ticks "$SERVER_PID")" "$(( $(kvn "$d/baseline-wrk.txt" requests) - $(kvn "$d/baseline-wrk.txt" non200) ))")
  counts $BASE_STATS >"$d/baseline-counts.txt"
  stop_server
  log "  baseline: $(kv "$d/baseline-wrk.txt" rps) req/s, p50 $(kv "$d/baseline-wrk.txt" p50_ms) ms, p99 $(kv "$d/baseline-wrk.txt" p99_ms) ms, non-200 $(kv "$d/baseline-wrk.txt" non200), handler runs $(kv "$d/baseline-counts.txt" runs); server CPU ${cpu#* } us per request answered (handled on its thread)"
  row compare-baseline "$r" rps="$(kv "$d/baseline-wrk.txt" rps)" p50_ms="$(kv "$d/baseline-wrk.txt" p50_ms)" \
    p99_ms="$(kv "$d/baseline-wrk.txt" p99_ms)" non200="$(kv "$d/baseline-wrk.txt" non200)" cpu_s="${cpu% *}" cpu_us="${cpu#* }"
  compare_linegate "$r" "$d" compare-linegate
  after_vs_before "$r" compare-linegate compare-linegate-before compare-after-vs-before
}

scenario_compare_before() { # run: compare's linegate side on BEFORE_JAR, an earlier build, in this run
  local r="$1" d="$RESULTS/compare-before-$1"
  [[ -n "${BEFORE_JAR:-}" && -f "$BEFORE_JAR" ]] || { echo "compare-before needs BEFORE_JAR (a bench jar of the earlier build)" >&2; exit 2; }
  mkdir -p "$d"
  log "compare-before #$r: the earlier build ($BEFORE_JAR), handler ${HANDLER_MS} ms, wrk -t$WRK_THREADS -c$COMPARE_CONNECTIONS, ${WARMUP}s warm-up + ${RUN_SECONDS}s"
  BOT_JAR="$BEFORE_JAR" compare_linegate "$r" "$d" compare-linegate-before
  after_vs_before "$r" compare-linegate compare-linegate-before compare-after-vs-before
}

compare_linegate() { # run, dir, row name: linegate (BOT_JAR or this build) with the 50 ms handler, ratio to this run's baseline
  local r="$1" d="$2" name="$3" sp99 base ratio=""
  start_bot $HANDLER_MS "${BOT_JAVA_OPTS:-}" "$d/server.log"
  run_wrk $BOT_PORT "$COMPARE_CONNECTIONS" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup.txt"
  sleep 1
  scrape "$d/before.prom"
  local ticks0 cpu
  ticks0=$(cpu_ticks "$SERVER_PID")
  run_wrk $BOT_PORT "$COMPARE_CONNECTIONS" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk.txt"
  scrape "$d/after.prom"
  # Over the run only: the 50 ms handlers work through the backlog for minutes after it (left on disk here).
  cpu=$(cpu_per "$ticks0" "$(cpu_ticks "$SERVER_PID")" "$($PROM delta "$d/before.prom" "$d/after.prom" 'linegate_webhook_requests_total{status="200"}')")
  sp99=$($PROM quantile "$d/before.prom" "$d/after.prom" 0.99)
  base=$(tsv_value compare-baseline "$r" rps)
  [[ -n "$base" ]] && ratio=$(python3 -c "print(round($(kv "$d/wrk.txt" rps) / max(float('$base'), 1), 2))")
  log "  $name: $(kv "$d/wrk.txt" rps) req/s, p50 $(kv "$d/wrk.txt" p50_ms) ms, p99 $(kv "$d/wrk.txt" p99_ms) ms (server-side $sp99 ms), non-200 $(kv "$d/wrk.txt" non200); backlog left on disk $($PROM value "$d/after.prom" linegate_queue_depth) events"
  [[ -n "$ratio" ]] && log "  throughput ratio $name / baseline: $ratio"
  log "  $name: server CPU ${cpu#* } us per acknowledged webhook over the run (with the events handled during it)"
  row "$name" "$r" rps="$(kv "$d/wrk.txt" rps)" p50_ms="$(kv "$d/wrk.txt" p50_ms)" p99_ms="$(kv "$d/wrk.txt" p99_ms)" \
    server_p99_ms="$sp99" non200="$(kv "$d/wrk.txt" non200)" ratio="$ratio" cpu_s="${cpu% *}" cpu_us="${cpu#* }"
  # Graceful stop: the backlog stays in the journal (it would take minutes to handle at 50 ms each).
  stop_server
}

scenario_cpu() { # run: server CPU per webhook at a fixed load: the Armeria floor, BEFORE_JAR if given, this build
  local r="$1" C="$CPU_CONNECTIONS"
  log "cpu #$r: $CPU_REQUESTS signed webhooks (handler 0 ms, wrk -t$WRK_THREADS -c$C, at most ${CPU_SECONDS}s) after ${WARMUP}s warm-up, fresh server each: the Armeria floor$( [[ -n "${BEFORE_JAR:-}" ]] && echo ", the earlier build"), this build"
  cpu_at "$r" cpu-floor floor
  if [[ -n "${BEFORE_JAR:-}" ]]; then
    [[ -f "$BEFORE_JAR" ]] || { echo "BEFORE_JAR: no such file: $BEFORE_JAR" >&2; exit 2; }
    BOT_JAR="$BEFORE_JAR" cpu_at "$r" cpu-before linegate
  fi
  cpu_at "$r" cpu linegate
  after_vs_before "$r" "cpu-c$C" "cpu-before-c$C" cpu-after-vs-before cpu_us
}

cpu_at() { # run, label, floor | linegate (BOT_JAR or this build): CPU of the server around CPU_REQUESTS webhooks
  local r="$1" label="$2" kind="$3" C="$CPU_CONNECTIONS" d="$RESULTS/$2-c$CPU_CONNECTIONS-$1"
  local hz ticks0 ticks1 i drained=timeout t0 acked received dup handled lost="" hdup="" cpu_s cpu_us floor ratio=""
  hz=$(getconf CLK_TCK)
  mkdir -p "$d"
  if [[ $kind == floor ]]; then
    java -jar "$JAR" ceiling --port=$BOT_PORT >"$d/server.log" 2>&1 &
    SERVER_PID=$!; SERVER_DATA=""
    wait_port $BOT_PORT 60
  else
    start_bot 0 "${BOT_JAVA_OPTS:-}" "$d/server.log"
  fi
  [[ "$(cat "/proc/$SERVER_PID/comm" 2>/dev/null)" == java ]] || { echo "cpu: process $SERVER_PID is not the server JVM" >&2; exit 1; }
  run_wrk $BOT_PORT "$C" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup.txt"
  [[ $kind == linegate ]] && wait_drained 300 "$d/warmup" >/dev/null
  sleep 2
  [[ $kind == linegate ]] && scrape "$d/before.prom"
  ticks0=$(cpu_ticks "$SERVER_PID")
  wrk_fixed $BOT_PORT "$C" "$CPU_BODIES" "$d/wrk.txt"
  if [[ $kind == linegate ]]; then
    # Every event of the load handled: the queue is empty and each event received is handled or deduplicated.
    t0=$(date +%s%N)
    for ((i = 0; i < DRAIN_TIMEOUT * 4; i++)); do
      scrape "$d/drain.prom"
      if $PROM drained "$d/before.prom" "$d/drain.prom"; then
        drained=$(python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 2))"); break
      fi
      sleep 0.25
    done
  fi
  ticks1=$(cpu_ticks "$SERVER_PID")
  cpu_s=$(python3 -c "print(round(($ticks1 - $ticks0) / $hz, 2))")
  if [[ $kind == linegate ]]; then
    scrape "$d/end.prom"
    acked=$($PROM delta "$d/before.prom" "$d/end.prom" 'linegate_webhook_requests_total{status="200"}')
    received=$($PROM delta "$d/before.prom" "$d/end.prom" linegate_events_received_total)
    dup=$($PROM delta "$d/before.prom" "$d/end.prom" linegate_events_duplicate_total)
    handled=$($PROM delta "$d/before.prom" "$d/end.prom" 'linegate_events_processed_total{outcome="handled"}')
    counts $BOT_STATS "?from=$CPU_FIRST&to=$((CPU_FIRST + CPU_REQUESTS))" >"$d/counts.txt"
    hdup=$(kv "$d/counts.txt" duplicates)
    lost=$((received - dup - handled))
  else
    # The floor counts nothing: its webhooks are wrk's 200s (the at most CPU_CONNECTIONS requests in flight when
    # wrk stops are answered but not counted).
    acked=$(( $(kv "$d/wrk.txt" requests) - $(kv "$d/wrk.txt" non200) ))
  fi
  cpu_us=$(python3 -c "print(round($cpu_s * 1e6 / max($acked, 1), 1))")
  floor=$(tsv_value "cpu-floor-c$C" "$r" cpu_us)
  [[ $kind == linegate && -n "$floor" ]] && ratio=$(python3 -c "print(round($cpu_us / max(float('$floor'), 1e-9), 2))")
  log "  $label: $(kv "$d/wrk.txt" rps) req/s, p50 $(kv "$d/wrk.txt" p50_ms) ms, p99 $(kv "$d/wrk.txt" p99_ms) ms, non-200 $(kv "$d/wrk.txt" non200), socket errors $(kv "$d/wrk.txt" socket_errors) over $(kv "$d/wrk.txt" duration_s) s"
  if [[ $kind == linegate ]]; then
    log "  $label: server CPU $cpu_s s for $acked webhooks acknowledged (events received $received, handled $handled, deduplicated $dup, lost $lost, run twice $hdup; all handled ${drained} s after the load): $cpu_us us per acknowledged and handled webhook$( [[ -n "$ratio" ]] && echo ", $ratio x the floor's")"
  else
    log "  $label: server CPU $cpu_s s for $acked requests answered 200: $cpu_us us per acknowledged request (nothing stored or handled)"
  fi
  if [[ "$acked" -lt "$CPU_REQUESTS" ]]; then log "  $label: only $acked of $CPU_REQUESTS webhooks within ${CPU_SECONDS}s (CPU_SECONDS)"; fi
  row "$label-c$C" "$r" rps="$(kv "$d/wrk.txt" rps)" p50_ms="$(kv "$d/wrk.txt" p50_ms)" p99_ms="$(kv "$d/wrk.txt" p99_ms)" \
    non200="$(kv "$d/wrk.txt" non200)" drain_s="$( [[ $kind == linegate ]] && echo "$drained")" lost="$lost" duplicates="$hdup" \
    ratio="$ratio" cpu_s="$cpu_s" cpu_us="$cpu_us"
  stop_server
}

# One server of the spring scenario, measured: warm-up, then wrk; its CPU time and threads during the run.
spring_measure() { # port, stats port, name, dir
  local port="$1" stats="$2" name="$3" d="$4" cpu0 t0 threads
  run_wrk "$port" "$COMPARE_CONNECTIONS" "$WARMUP" "$WARM_BODIES" "$d/$name-wrk-warmup.txt"
  sleep 1
  cpu0=$(cpu_seconds "$SERVER_PID"); t0=$(date +%s)
  run_wrk "$port" "$COMPARE_CONNECTIONS" "$RUN_SECONDS" "$MAIN_BODIES" "$d/$name-wrk.txt"
  threads=$(ls "/proc/$SERVER_PID/task" 2>/dev/null | wc -l)
  # Over the whole wrk call, which also loads the bodies file (several seconds) while the server catches up.
  echo "cpu_s $(python3 -c "print(round($(cpu_seconds "$SERVER_PID") - $cpu0, 1))")" >"$d/$name-server.txt"
  echo "wall_s $(($(date +%s) - t0))" >>"$d/$name-server.txt"
  echo "threads $threads" >>"$d/$name-server.txt"
  counts "$stats" >"$d/$name-counts.txt" || true
  log "  $name: $(kv "$d/$name-wrk.txt" rps) req/s, p50 $(kv "$d/$name-wrk.txt" p50_ms) ms, p99 $(kv "$d/$name-wrk.txt" p99_ms) ms, max $(kv "$d/$name-wrk.txt" max_ms) ms, non-200 $(kv "$d/$name-wrk.txt" non200), socket errors $(kv "$d/$name-wrk.txt" socket_errors); server CPU $(kv "$d/$name-server.txt" cpu_s) s over the $(kv "$d/$name-server.txt" wall_s) s wrk call, $threads threads; handler runs so far $(kv "$d/$name-counts.txt" runs), repeated ids handled $(kv "$d/$name-counts.txt" duplicates)"
}

scenario_spring() { # run: baseline, linegate serve and the Spring Boot starter, handler 0 ms then 50 ms
  local r="$1" ms d base serve starter ratio_base ratio_serve ratio_serve_base
  for ms in 0 $HANDLER_MS; do
    d="$RESULTS/spring-h$ms-$r"
    mkdir -p "$d"
    log "spring h$ms #$r: handler $ms ms, wrk -t$WRK_THREADS -c$COMPARE_CONNECTIONS, ${WARMUP}s warm-up + ${RUN_SECONDS}s each: baseline, linegate serve, Spring Boot starter ($WORKERS workers each)"
    start_baseline "$ms" "$d/baseline.log"
    spring_measure $BASE_PORT $BASE_STATS baseline "$d"
    stop_server
    start_bot "$ms" "${BOT_JAVA_OPTS:-}" "$d/serve.log"
    spring_measure $BOT_PORT $BOT_STATS serve "$d"
    stop_server # graceful: a 50 ms backlog stays in the journal
    start_spring "$ms" "$d/starter.log"
    spring_measure $SPRING_PORT $SPRING_STATS starter "$d"
    stop_server
    base=$(kv "$d/baseline-wrk.txt" rps); serve=$(kv "$d/serve-wrk.txt" rps); starter=$(kv "$d/starter-wrk.txt" rps)
    ratio_base=$(python3 -c "print(round(${starter:-0} / max(${base:-0}, 1), 2))")
    ratio_serve=$(python3 -c "print(round(${starter:-0} / max(${serve:-0}, 1), 2))")
    ratio_serve_base=$(python3 -c "print(round(${serve:-0} / max(${base:-0}, 1), 2))")
    log "  h$ms: starter / baseline $ratio_base, starter / serve $ratio_serve (serve / baseline $ratio_serve_base)$( [[ $ms -gt 0 ]] && echo "; target: starter / baseline >= 5 with p99 < 50 ms")"
    local n ratio dup
    for n in baseline serve starter; do
      ratio=""; dup=""
      [[ $n == serve ]] && ratio="$ratio_serve_base"
      [[ $n == starter ]] && ratio="$ratio_base"
      # The baseline has no dedupe: wrk cycles through BODIES, so its repeated ids say nothing.
      [[ $n != baseline ]] && dup="$(kv "$d/$n-counts.txt" duplicates)"
      row "spring-$n-h$ms" "$r" rps="$(kv "$d/$n-wrk.txt" rps)" p50_ms="$(kv "$d/$n-wrk.txt" p50_ms)" \
        p99_ms="$(kv "$d/$n-wrk.txt" p99_ms)" max_ms="$(kv "$d/$n-wrk.txt" max_ms)" non200="$(kv "$d/$n-wrk.txt" non200)" \
        duplicates="$dup" ratio="$ratio"
    done
    row "spring-starter-vs-serve-h$ms" "$r" ratio="$ratio_serve"
  done
}

sampler() { # out csv, stop file; one scrape a second, bounded
  local i ts f="$RESULTS/.sample.prom"
  echo "epoch_s,heap_used_bytes,queue_depth,handled" >"$1"
  for ((i = 0; i < DRAIN_TIMEOUT + BURST_DURATION + BURST_WARMUP + 120; i++)); do
    [[ -f "$2" ]] && break
    ts=$(date +%s)
    if curl -fsS --max-time 2 "http://127.0.0.1:$BOT_ADMIN/metrics" >"$f" 2>/dev/null; then
      echo "$ts,$($PROM heap "$f"),$($PROM value "$f" linegate_queue_depth),$($PROM value "$f" 'linegate_events_processed_total{outcome="handled"}')" >>"$1"
    fi
    sleep 1
  done
}

scenario_burst() { # run
  local r="$1" d="$RESULTS/burst-$1"
  mkdir -p "$d"
  log "burst #$r: open loop at $BURST_RATE req/s = 10 x ($WORKERS workers / ${HANDLER_MS} ms) for ${BURST_DURATION}s after ${BURST_WARMUP}s warm-up at the same rate; server ${BOT_JAVA_OPTS:--Xmx256m}"
  start_bot $HANDLER_MS "${BOT_JAVA_OPTS:--Xmx256m}" "$d/server.log"
  rm -f "$d/stop"
  sampler "$d/samples.csv" "$d/stop" &
  SAMPLER_PID=$!
  local t_start t_end
  t_start=$(date +%s)
  scrape "$d/before.prom"
  timeout $((BURST_DURATION + BURST_WARMUP + 300)) java -Xmx3g -jar "$JAR" openloop --url="http://127.0.0.1:$BOT_PORT/webhook" \
    --rate="$BURST_RATE" --duration="$BURST_DURATION" --warmup="$BURST_WARMUP" --first=$BURST_FIRST \
    --warmup-first=$BURST_WARM_FIRST --warmup-kind="${BURST_WARMUP_KIND:-events}" --connections="$BURST_CONNECTIONS" | tee "$d/openloop.txt" >&2
  t_end=$(date +%s)
  scrape "$d/after.prom"
  local ok sent end_id drain distinct hdup lost sp99 t0 i
  ok=$(kv "$d/openloop.txt" ok); sent=$(kv "$d/openloop.txt" sent); end_id=$(kv "$d/openloop.txt" end_id)
  log "  acked $ok of $sent in ${BURST_DURATION}s (achieved $(kv "$d/openloop.txt" achieved_rps) req/s), p50 $(kv "$d/openloop.txt" p50_ms) ms, p99 $(kv "$d/openloop.txt" p99_ms) ms, p99.9 $(kv "$d/openloop.txt" p999_ms) ms, max $(kv "$d/openloop.txt" max_ms) ms; p99 of warm-up + burst from a cold JVM $(kv "$d/openloop.txt" with_warmup_p99_ms) ms; backlog $($PROM value "$d/after.prom" linegate_queue_depth)"
  log "  waiting for the backlog to drain (at most ${DRAIN_TIMEOUT}s)"
  t0=$(date +%s)
  drain=timeout
  for ((i = 0; i < DRAIN_TIMEOUT; i++)); do
    scrape "$d/drain.prom"
    counts $BOT_STATS "?from=$BURST_FIRST&to=$end_id" >"$d/counts.txt"
    if [[ "$($PROM value "$d/drain.prom" linegate_queue_depth)" == "0.0" && "$(kv "$d/counts.txt" distinct_in_range)" -ge "$ok" ]]; then
      drain=$(($(date +%s) - t0)); break
    fi
    if ((i % 60 == 0)); then log "    queue depth $($PROM value "$d/drain.prom" linegate_queue_depth), burst events handled $(kv "$d/counts.txt" distinct_in_range) of $ok"; fi
    sleep 1
  done
  sleep 2
  touch "$d/stop"; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  scrape "$d/end.prom"
  counts $BOT_STATS "?from=$BURST_FIRST&to=$end_id" >"$d/counts.txt"
  counts $BOT_STATS "?from=$BURST_WARM_FIRST&to=$((BURST_WARM_FIRST + BURST_RATE * BURST_WARMUP))" >"$d/counts-warmup.txt"
  distinct=$(kv "$d/counts.txt" distinct_in_range); hdup=$(kv "$d/counts.txt" duplicates)
  lost=$((ok - distinct))
  sp99=$($PROM quantile "$d/before.prom" "$d/after.prom" 0.99)
  local maxheap maxheap_burst maxq
  maxheap=$(awk -F, 'NR > 1 && $2 > m {m = $2} END {printf "%.1f", m / 1048576}' "$d/samples.csv")
  maxheap_burst=$(awk -F, -v a="$t_start" -v b="$t_end" 'NR > 1 && $1 >= a && $1 <= b && $2 > m {m = $2} END {printf "%.1f", m / 1048576}' "$d/samples.csv")
  maxq=$(awk -F, 'NR > 1 && $3 > m {m = $3} END {printf "%d", m}' "$d/samples.csv")
  log "  drained in ${drain}s after the burst; burst events handled $distinct of $ok acked: lost $lost, handled twice $hdup (warm-up events handled $(kv "$d/counts-warmup.txt" distinct_in_range))"
  log "  heap used max ${maxheap_burst} MiB during the burst, ${maxheap} MiB over burst + drain; queue depth max $maxq; server-side p99 (incl. warm-up) $sp99 ms"
  row burst "$r" p50_ms="$(kv "$d/openloop.txt" p50_ms)" p99_ms="$(kv "$d/openloop.txt" p99_ms)" \
    cold_p99_ms="$(kv "$d/openloop.txt" with_warmup_p99_ms)" server_p99_ms="$sp99" \
    non200="$(( $(kv "$d/openloop.txt" non200) + $(kv "$d/openloop.txt" errors) + $(kv "$d/openloop.txt" unanswered) ))" \
    burst_rate="$BURST_RATE" achieved_rps="$(kv "$d/openloop.txt" achieved_rps)" max_heap_mib="$maxheap" \
    max_queue_depth="$maxq" drain_s="$drain" lost="$lost" duplicates="$hdup"
  stop_server
}

scenario_coldburst() { # run: a fresh node meets the burst 2 s after it reports ready; the Armeria floor started the same way
  local r="$1" d="$RESULTS/coldburst-$1" t0 startup ok end_id drain i distinct hdup
  mkdir -p "$d"
  log "coldburst #$r: a fresh linegate node (warm-up at most $COLD_WARM_UP, ${BOT_JAVA_OPTS:--Xmx256m}), open loop at $BURST_RATE req/s for ${COLD_DURATION}s from 2 s after /health is ready; then the no-work Armeria floor, started and driven the same way"
  t0=$(date +%s%N)
  BOT_WARM_UP="$COLD_WARM_UP" start_bot $HANDLER_MS "${BOT_JAVA_OPTS:--Xmx256m}" "$d/server.log"
  wait_ready $BOT_PORT 120
  startup=$(python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 1))")
  log "  ready $startup s after launch ($(grep -o 'warm-up: .*' "$d/server.log" | head -1))"
  sleep 2
  timeout $((COLD_DURATION + 300)) java -Xmx3g -jar "$JAR" openloop --url="http://127.0.0.1:$BOT_PORT/webhook" \
    --rate="$BURST_RATE" --duration="$COLD_DURATION" --warmup=0 --first=$COLD_FIRST \
    --connections="$BURST_CONNECTIONS" | tee "$d/openloop.txt" >&2
  ok=$(kv "$d/openloop.txt" ok); end_id=$(kv "$d/openloop.txt" end_id)
  log "  linegate: p50 $(kv "$d/openloop.txt" p50_ms) ms, p99 $(kv "$d/openloop.txt" p99_ms) ms, max $(kv "$d/openloop.txt" max_ms) ms, acked $ok, non-200 $(kv "$d/openloop.txt" non200); by 5 s window:"
  grep -E '^ +t=' "$d/openloop.txt" | while read -r line; do log "    $line"; done
  t0=$(date +%s); drain=timeout
  for ((i = 0; i < DRAIN_TIMEOUT; i++)); do
    counts $BOT_STATS "?from=$COLD_FIRST&to=$end_id" >"$d/counts.txt"
    if (("$(kv "$d/counts.txt" distinct_in_range)" >= ok)); then drain=$(($(date +%s) - t0)); break; fi
    sleep 1
  done
  sleep 2
  counts $BOT_STATS "?from=$COLD_FIRST&to=$end_id" >"$d/counts.txt"
  distinct=$(kv "$d/counts.txt" distinct_in_range); hdup=$(kv "$d/counts.txt" duplicates)
  log "  drained in ${drain}s: handled $distinct of $ok acked, lost $((ok - distinct)), handled twice $hdup"
  row coldburst "$r" p50_ms="$(kv "$d/openloop.txt" p50_ms)" p99_ms="$(kv "$d/openloop.txt" p99_ms)" max_ms="$(kv "$d/openloop.txt" max_ms)" \
    non200="$(( $(kv "$d/openloop.txt" non200) + $(kv "$d/openloop.txt" errors) + $(kv "$d/openloop.txt" unanswered) ))" \
    burst_rate="$BURST_RATE" achieved_rps="$(kv "$d/openloop.txt" achieved_rps)" drain_s="$drain" \
    lost="$((ok - distinct))" duplicates="$hdup" startup_s="$startup"
  stop_server

  t0=$(date +%s%N)
  java ${BOT_JAVA_OPTS:--Xmx256m} -jar "$JAR" ceiling --port=$BOT_PORT >"$d/floor.log" 2>&1 &
  SERVER_PID=$!; SERVER_DATA=""
  wait_port $BOT_PORT 60
  startup=$(python3 -c "print(round(($(date +%s%N) - $t0) / 1e9, 1))")
  sleep 2
  timeout $((COLD_DURATION + 300)) java -Xmx3g -jar "$JAR" openloop --url="http://127.0.0.1:$BOT_PORT/webhook" \
    --rate="$BURST_RATE" --duration="$COLD_DURATION" --warmup=0 --first=$COLD_FIRST \
    --connections="$BURST_CONNECTIONS" | tee "$d/floor-openloop.txt" >&2
  log "  floor: p50 $(kv "$d/floor-openloop.txt" p50_ms) ms, p99 $(kv "$d/floor-openloop.txt" p99_ms) ms, max $(kv "$d/floor-openloop.txt" max_ms) ms; by 5 s window:"
  grep -E '^ +t=' "$d/floor-openloop.txt" | while read -r line; do log "    $line"; done
  row coldburst-floor "$r" p50_ms="$(kv "$d/floor-openloop.txt" p50_ms)" p99_ms="$(kv "$d/floor-openloop.txt" p99_ms)" \
    max_ms="$(kv "$d/floor-openloop.txt" max_ms)" non200="$(kv "$d/floor-openloop.txt" non200)" \
    burst_rate="$BURST_RATE" achieved_rps="$(kv "$d/floor-openloop.txt" achieved_rps)" startup_s="$startup"
  # The same load once more on the floor, now warm, from a fresh load generator: what remains in the
  # first window is the load generator's own cold start, not the server's.
  timeout $((COLD_DURATION + 300)) java -Xmx3g -jar "$JAR" openloop --url="http://127.0.0.1:$BOT_PORT/webhook" \
    --rate="$BURST_RATE" --duration="$COLD_DURATION" --warmup=0 --first=$COLD_FIRST \
    --connections="$BURST_CONNECTIONS" | tee "$d/warm-floor-openloop.txt" >&2
  log "  warm floor, fresh load generator: p50 $(kv "$d/warm-floor-openloop.txt" p50_ms) ms, p99 $(kv "$d/warm-floor-openloop.txt" p99_ms) ms, max $(kv "$d/warm-floor-openloop.txt" max_ms) ms; by 5 s window:"
  grep -E '^ +t=' "$d/warm-floor-openloop.txt" | while read -r line; do log "    $line"; done
  row coldburst-warm-floor "$r" p50_ms="$(kv "$d/warm-floor-openloop.txt" p50_ms)" p99_ms="$(kv "$d/warm-floor-openloop.txt" p99_ms)" \
    max_ms="$(kv "$d/warm-floor-openloop.txt" max_ms)" non200="$(kv "$d/warm-floor-openloop.txt" non200)" \
    burst_rate="$BURST_RATE" achieved_rps="$(kv "$d/warm-floor-openloop.txt" achieved_rps)"
  stop_server
}

scenario_coldwrk() { # run: the first 3 s of closed-loop load on a fresh node, and on the Armeria floor started the same way
  local r="$1" d="$RESULTS/coldwrk-$1" C="${STORE_CONNECTIONS}"
  mkdir -p "$d"
  log "coldwrk #$r: wrk -c$C for 3 s from the moment a fresh node is ready (warm-up at most $COLD_WARM_UP), then the Armeria floor"
  BOT_WARM_UP="$COLD_WARM_UP" start_bot 0 "${BOT_JAVA_OPTS:--Xmx256m}" "$d/server.log"
  wait_ready $BOT_PORT 120
  run_wrk $BOT_PORT "$C" 3 "$MAIN_BODIES" "$d/wrk.txt"
  log "  linegate: $(kv "$d/wrk.txt" rps) req/s, p50 $(kv "$d/wrk.txt" p50_ms) ms, p99 $(kv "$d/wrk.txt" p99_ms) ms, non-200 $(kv "$d/wrk.txt" non200)"
  row "coldwrk-c$C" "$r" rps="$(kv "$d/wrk.txt" rps)" p50_ms="$(kv "$d/wrk.txt" p50_ms)" p99_ms="$(kv "$d/wrk.txt" p99_ms)" \
    non200="$(kv "$d/wrk.txt" non200)"
  stop_server
  java ${BOT_JAVA_OPTS:--Xmx256m} -jar "$JAR" ceiling --port=$BOT_PORT >"$d/floor.log" 2>&1 &
  SERVER_PID=$!; SERVER_DATA=""
  wait_port $BOT_PORT 60
  run_wrk $BOT_PORT "$C" 3 "$MAIN_BODIES" "$d/floor-wrk.txt"
  log "  floor: $(kv "$d/floor-wrk.txt" rps) req/s, p50 $(kv "$d/floor-wrk.txt" p50_ms) ms, p99 $(kv "$d/floor-wrk.txt" p99_ms) ms"
  row "coldwrk-floor-c$C" "$r" rps="$(kv "$d/floor-wrk.txt" rps)" p50_ms="$(kv "$d/floor-wrk.txt" p50_ms)" \
    p99_ms="$(kv "$d/floor-wrk.txt" p99_ms)" non200="$(kv "$d/floor-wrk.txt" non200)"
  stop_server
}

scenario_store() { # run: the same durable-ack load on the Armeria floor, SQLite and PostgreSQL, one after the other
  local r="$1" d="$RESULTS/store-$1"
  mkdir -p "$d"
  CEILING_CONNECTIONS="$STORE_CONNECTIONS" scenario_ceiling "$r"
  if [[ -n "${BEFORE_JAR:-}" ]]; then # the SQLite figure of an earlier build, for before/after in one run
    BOT_JAR="$BEFORE_JAR" throughput_at "$r" "$STORE_CONNECTIONS" store-sqlite-before
  fi
  throughput_at "$r" "$STORE_CONNECTIONS" store-sqlite
  start_postgres "$d/postgres.log"
  BOT_STORE="$PG_STORE" throughput_at "$r" "$STORE_CONNECTIONS" store-postgres
  stop_postgres
  local sq pg
  sq=$(awk -F'\t' -v k="store-sqlite-c$STORE_CONNECTIONS" -v r="$r" '$1 == k && $2 == r {print $3}' "$TSV")
  pg=$(awk -F'\t' -v k="store-postgres-c$STORE_CONNECTIONS" -v r="$r" '$1 == k && $2 == r {print $3}' "$TSV")
  log "  PostgreSQL / SQLite: $(python3 -c "print(round(float('$pg' or 0) / max(float('$sq' or 1), 1), 2))")"
}

scenario_kafka() { # run: the durable-ack load on the floor, SQLite, PostgreSQL and the journal on one Kafka broker
  local r="$1" d="$RESULTS/kafka-$1"
  mkdir -p "$d"
  CEILING_CONNECTIONS="$STORE_CONNECTIONS" scenario_ceiling "$r"
  throughput_at "$r" "$STORE_CONNECTIONS" journal-sqlite
  start_postgres "$d/postgres.log"
  BOT_STORE="$PG_STORE" throughput_at "$r" "$STORE_CONNECTIONS" journal-postgres
  stop_postgres
  log "kafka #$r: a fresh one-broker KRaft cluster on 127.0.0.1:$KAFKA_PORT (bench/kafka-broker.sh), topic bench.events, 12 partitions"
  start_kafka "$d/broker" "$d/kafka-broker.log"
  BOT_JOURNAL="kafka://127.0.0.1:$KAFKA_PORT/bench" EXTRA_CPU_PID="$KAFKA_JVM" EXTRA_CPU_NAME=kafka-broker \
    throughput_at "$r" "$STORE_CONNECTIONS" journal-kafka
  stop_kafka
  ratio_row "$r" "journal-kafka-c$STORE_CONNECTIONS" "journal-sqlite-c$STORE_CONNECTIONS" kafka-vs-sqlite rps "Kafka / SQLite, durable-ack req/s"
  ratio_row "$r" "journal-postgres-c$STORE_CONNECTIONS" "journal-sqlite-c$STORE_CONNECTIONS" postgres-vs-sqlite rps "PostgreSQL / SQLite, durable-ack req/s"
  log "  target: Kafka >= 0.5 x SQLite with p99 <= 50 ms"
}

scenario_cluster() { # run: N = 1, 2, 3 nodes on one PostgreSQL behind the delay proxy; BEFORE_JAR interleaved when given
  local r="$1" n first=""
  log "cluster #$r: node counts $CLUSTER_NODES, PostgreSQL behind a ${CLUSTER_DELAY_MS} ms each-way proxy$( [[ -n "${BEFORE_JAR:-}" ]] && echo ", BEFORE_JAR then this build at each count")"
  for n in $CLUSTER_NODES; do
    [[ -n "$first" ]] || first=$n
    if [[ -n "${BEFORE_JAR:-}" ]]; then cluster_at "$r" cluster-before "$n" "$BEFORE_JAR"; fi
    cluster_at "$r" cluster "$n" "$JAR"
  done
  local label col
  for n in $CLUSTER_NODES; do
    for label in cluster-before cluster; do
      [[ $n != "$first" ]] || continue
      ratio_row "$r" "$label-n$n" "$label-n$first" "$label-n$n-vs-n$first" rps "$label: $n nodes / $first, durable-ack req/s"
      ratio_row "$r" "$label-n$n" "$label-n$first" "$label-n$n-vs-n$first-handled" events_per_s "$label: $n nodes / $first, handled/s"
    done
    ratio_row "$r" "cluster-n$n" "cluster-before-n$n" "cluster-after-vs-before-n$n" rps "$n nodes: this build / BEFORE_JAR, durable-ack req/s"
    ratio_row "$r" "cluster-n$n" "cluster-before-n$n" "cluster-after-vs-before-n$n-handled" events_per_s "$n nodes: this build / BEFORE_JAR, handled/s"
  done
  log "  targets: cluster-n3-vs-n1 >= 2.5, cluster-after-vs-before-n3 >= 3, drain within a few seconds"
}

ratio_row() { # run, row a, row b, name, column, what: a / b as a row of its own once both rows of this run are in
  local a b ratio
  a=$(tsv_value "$2" "$1" "$5"); b=$(tsv_value "$3" "$1" "$5")
  [[ -n "$a" && -n "$b" ]] || return 0
  ratio=$(python3 -c "print(round(float('$a') / max(float('$b'), 1e-9), 3))")
  log "  $6: $ratio ($a / $b)"
  row "$4" "$1" ratio="$ratio"
}

cluster_at() { # run, label, nodes, jar: one measurement on a fresh PostgreSQL, proxy and nodes
  local r="$1" label="$2" n="$3" jar="$4" d="$RESULTS/$2-n$3-$1" i
  local wrks=() rps_list="" p99_list="" non200_list="" dur_list="" req_list=""
  mkdir -p "$d"
  log "$label n=$n #$r: $n node(s) of $jar, PostgreSQL behind the ${CLUSTER_DELAY_MS} ms proxy, handler 0 ms, one wrk -t$CLUSTER_WRK_THREADS -c$CLUSTER_CONNECTIONS per node, ${WARMUP}s warm-up + ${RUN_SECONDS}s"
  start_postgres "$d/postgres.log"
  start_proxy "$d/proxy.log"
  for ((i = 0; i < n; i++)); do BOT_JAR="$jar" NODE_STORE="$PROXY_STORE" start_node "$i" "$d/node-$i.log"; done
  # The warm-up in rounds, each on new connections and followed by a scrape of every node, as the measured run
  # starts: a hot path that has only ever seen kept-alive connections is recompiled when they close and open
  # (seen: the event loops' methods made not entrant at the run's start, C2 using 0.26 cores in its first 12 s).
  local s
  for ((s = 0; s < CLUSTER_WARM_ROUNDS; s++)); do
    wrks=()
    for ((i = 0; i < n; i++)); do
      WRK_THREADS=$CLUSTER_WRK_THREADS run_wrk $((18100 + i)) "$CLUSTER_CONNECTIONS" $((WARMUP / CLUSTER_WARM_ROUNDS)) \
        "$RESULTS/cluster-warm-bodies-$i-$s.txt" "$d/wrk-warmup-$i-$s.txt" &
      wrks+=($!)
    done
    wait "${wrks[@]}" || true
    cluster_scrape "$n" "$d/warm-round-$s"
  done
  : >"$d/zero.prom"
  for ((i = 0; i < n; i++)); do cp "$d/zero.prom" "$d/start-$i.prom"; done
  local warm_drain
  warm_drain=$(cluster_drain "$n" "$d/start" "$d/warm" "$CLUSTER_DRAIN_TIMEOUT")
  # shellcheck disable=SC2046
  log "  warm-up handled ${warm_drain} s after it ended$( [[ $warm_drain == timeout ]] && echo " (CLUSTER_DRAIN_TIMEOUT): the run starts with $($PROM unhandled $(cluster_pairs "$n" "$d/start" "$d/warm")) warm-up events not yet handled")"
  sleep 1
  cluster_scrape "$n" "$d/before"
  wrks=()
  for ((i = 0; i < n; i++)); do
    WRK_THREADS=$CLUSTER_WRK_THREADS run_wrk $((18100 + i)) "$CLUSTER_CONNECTIONS" "$RUN_SECONDS" "$RESULTS/cluster-bodies-$i.txt" "$d/wrk-$i.txt" &
    wrks+=($!)
  done
  wait "${wrks[@]}" || true
  cluster_scrape "$n" "$d/after"
  local drain
  drain=$(cluster_drain "$n" "$d/before" "$d/drain" "$CLUSTER_DRAIN_TIMEOUT")
  sleep 1
  cluster_scrape "$n" "$d/end"
  for ((i = 0; i < n; i++)); do
    rps_list+=" $(kv "$d/wrk-$i.txt" rps)"; p99_list+=" $(kv "$d/wrk-$i.txt" p99_ms)"; non200_list+=" $(kv "$d/wrk-$i.txt" non200)"
    dur_list+=" $(kv "$d/wrk-$i.txt" duration_s)"; req_list+=" $(kv "$d/wrk-$i.txt" requests)"
    for ((s = 0; s < CLUSTER_WARM_ROUNDS; s++)); do
      if (($(kvn "$d/wrk-warmup-$i-$s.txt" requests) > CLUSTER_WARM_BODIES / CLUSTER_WARM_ROUNDS)); then
        log "  node $i: warm-up round $s sent $(kv "$d/wrk-warmup-$i-$s.txt" requests) requests for $((CLUSTER_WARM_BODIES / CLUSTER_WARM_ROUNDS)) bodies: its later part was duplicates (raise CLUSTER_WARM_BODIES)"
      fi
    done
    if (($(kvn "$d/wrk-$i.txt" requests) > CLUSTER_BODIES)); then
      log "  node $i: wrk sent $(kv "$d/wrk-$i.txt" requests) requests for $CLUSTER_BODIES bodies: repeated ids were deduplicated (raise CLUSTER_BODIES)"
    fi
  done
  local total p99 non200 dur acked handled dup hps lost runs hdup=0
  # shellcheck disable=SC2086
  {
    total=$(python3 -c 'import sys; print(round(sum(float(x or 0) for x in sys.argv[1:])))' $rps_list)
    p99=$(python3 -c 'import sys; print(max(float(x or 0) for x in sys.argv[1:]))' $p99_list)
    non200=$(python3 -c 'import sys; print(sum(int(float(x or 0)) for x in sys.argv[1:]))' $non200_list)
    dur=$(python3 -c 'import sys; print(max(float(x or 0) for x in sys.argv[1:]))' $dur_list)
    acked=$($PROM deltasum 'linegate_webhook_requests_total{status="200"}' $(cluster_pairs "$n" "$d/before" "$d/after"))
    handled=$($PROM deltasum 'linegate_events_processed_total{outcome="handled"}' $(cluster_pairs "$n" "$d/before" "$d/after"))
    dup=$($PROM deltasum linegate_events_duplicate_total $(cluster_pairs "$n" "$d/before" "$d/end"))
    lost=$($PROM unhandled $(cluster_pairs "$n" "$d/before" "$d/end"))
  }
  ((lost >= 0)) || { log "  handled $((-lost)) more events than the nodes counted 200s since the run began (requests answered after wrk had gone)"; lost=0; }
  hps=$(python3 -c "print(round($handled / max(float('$dur' or 0), 1e-9)))")
  for ((i = 0; i < n; i++)); do
    counts $((18110 + i)) >"$d/counts-$i.txt" || true
    hdup=$((hdup + $(kvn "$d/counts-$i.txt" duplicates)))
  done
  log "  aggregate $total req/s over $n node(s) (wrk:$rps_list), worst node p99 $p99 ms, non-200 $non200; acked $acked in the run, handled $handled during it: $hps events/s ($(python3 -c "print(round($hps / max($total, 1), 2))") of the ack rate); backlog drained ${drain} s after the run$( [[ $drain == timeout ]] && echo " (CLUSTER_DRAIN_TIMEOUT)"); deduplicated $dup, acknowledged and not handled at the end $lost, run twice on one node $hdup"
  row "$label-n$n" "$r" rps="$total" p99_ms="$p99" non200="$non200" events_per_s="$hps" drain_s="$drain" lost="$lost" duplicates="$hdup"
  stop_nodes
  stop_proxy
  log "  proxy: held p50 $(kv "$d/proxy.log" held_p50_ms) ms, p99 $(kv "$d/proxy.log" held_p99_ms) ms, max $(kv "$d/proxy.log" held_max_ms) ms over $(kv "$d/proxy.log" chunks) chunks ($(kv "$d/proxy.log" connections) connections, refused $(kv "$d/proxy.log" refused))"
  stop_postgres
}

scenario_cluster_stall() { # run: BEFORE_JAR (when given), then this build
  local r="$1"
  if [[ -n "${BEFORE_JAR:-}" ]]; then stall_at "$r" cluster-stall-before "$BEFORE_JAR"; fi
  stall_at "$r" cluster-stall "$JAR"
  ratio_row "$r" cluster-stall cluster-stall-before cluster-stall-after-vs-before gap_ms "longest gap while one node is stopped: this build / BEFORE_JAR"
}

stall_at() { # run, label, jar: 3 nodes behind the proxy, steady load, node 2 SIGSTOPped for STALL_SECONDS
  local r="$1" label="$2" jar="$3" d="$RESULTS/$2-$1" i urls="" stats=""
  mkdir -p "$d"
  log "$label #$r: 3 nodes of $jar, PostgreSQL behind the ${CLUSTER_DELAY_MS} ms proxy, lease $CLUSTER_LEASE, $STALL_RATE webhooks/s on nodes 0 and 1, $STALL_STOP_RATE on node 2$( [[ $STALL_PUSH == 1 ]] && echo ", each event's handler pushes one text to the emulator"); node 2 SIGSTOPped after ${STALL_BEFORE}s for ${STALL_SECONDS}s, then ${STALL_AFTER}s more; $STALL_CYCLES times"
  start_postgres "$d/postgres.log"
  start_proxy "$d/proxy.log"
  local node_args=""
  if [[ $STALL_PUSH == 1 ]]; then
    start_emulator "$d/emulator.log" "$d/token"
    node_args="--push=true --api-base=http://127.0.0.1:$EMULATOR_PORT --access-token-file=$d/token"
  fi
  for i in 0 1 2; do
    BOT_JAR="$jar" NODE_STORE="$PROXY_STORE" NODE_ARGS="$node_args" start_node "$i" "$d/node-$i.log"
    urls+="${urls:+,}http://127.0.0.1:$((18100 + i))/webhook"; stats+="${stats:+,}$((18110 + i))"
  done
  timeout $(((STALL_BEFORE + STALL_SECONDS + STALL_AFTER) * STALL_CYCLES + 120)) java -Xmx256m -jar "$JAR" cluster-stall --urls="$urls" --stats="$stats" \
    --stop-index=2 --stop-pid="${NODE_PIDS[2]}" --rate="$STALL_RATE" --stop-rate="$STALL_STOP_RATE" --before="$STALL_BEFORE" --stop="$STALL_SECONDS" \
    --after="$STALL_AFTER" --cycles="$STALL_CYCLES" --first=$STALL_FIRST --samples="$d/samples.csv" >"$d/stall.txt" 2>&1 || log "  cluster-stall ended with an error (see $d/stall.txt)"
  kill -CONT "${NODE_PIDS[2]}" 2>/dev/null || true
  : >"$d/zero.prom"
  for i in 0 1 2; do cp "$d/zero.prom" "$d/start-$i.prom"; done
  local drain lost gap
  drain=$(cluster_drain 3 "$d/start" "$d/drain" "$CLUSTER_DRAIN_TIMEOUT")
  cluster_scrape 3 "$d/end"
  # shellcheck disable=SC2046
  lost=$($PROM unhandled $(cluster_pairs 3 "$d/start" "$d/end"))
  # Requests to node 2 that its client gave up on while it was stopped are journaled, handled and not counted as
  # 200s: more handled than acknowledged is those, not an error.
  ((lost >= 0)) || { log "  handled $((-lost)) more events than the nodes counted 200s: requests node 2 took in before the stop and answered after the client had given up (journaled, then handled)"; lost=0; }
  gap=$(kv "$d/stall.txt" longest_gap_ms)
  log "  longest gap in handler runs on a healthy node while node 2 was stopped ($(kv "$d/stall.txt" stops) x $(kv "$d/stall.txt" stop_s) s): ${gap:-?} ms (at each stop: $(kv "$d/stall.txt" gaps_ms) ms; node 0 $(kv "$d/stall.txt" node0_gap_ms) ms, node 1 $(kv "$d/stall.txt" node1_gap_ms) ms; runs during the stop: node 0 $(kv "$d/stall.txt" node0_runs_during_stop), node 1 $(kv "$d/stall.txt" node1_runs_during_stop)); before the stop at most $(kv "$d/stall.txt" baseline_gap_ms) ms"
  log "  acked by node 0/1/2: $(kv "$d/stall.txt" node0_acked)/$(kv "$d/stall.txt" node1_acked)/$(kv "$d/stall.txt" node2_acked), failed $(kv "$d/stall.txt" node0_failed)/$(kv "$d/stall.txt" node1_failed)/$(kv "$d/stall.txt" node2_failed), not sent (in-flight bound) $(kv "$d/stall.txt" node0_not_sent)/$(kv "$d/stall.txt" node1_not_sent)/$(kv "$d/stall.txt" node2_not_sent); everything handled ${drain} s after the load, acknowledged and not handled at the end $lost"
  row "$label" "$r" gap_ms="$gap" non200="$(( $(kvn "$d/stall.txt" node0_failed) + $(kvn "$d/stall.txt" node1_failed) ))" \
    drain_s="$drain" lost="$lost"
  stop_nodes
  stop_proxy
  stop_postgres
  stop_emulator
  rm -f "$d/token"
}

scenario_cluster_takeover() { # run [label: cluster; kafka-cluster: the journal on three Kafka brokers]: three nodes on one
  # PostgreSQL; aggregate ack rate, then kill -9 one and time the takeover
  local r="$1" label="${2:-cluster}" d="$RESULTS/${2:-cluster}-takeover-$1" per=$((STORE_CONNECTIONS / 3)) i node_args=""
  mkdir -p "$d"
  if [[ $label == kafka-cluster ]]; then
    log "kafka-cluster #$r: three Kafka brokers (bench/kafka-broker.sh BROKERS=3: topic bench.events, 12 partitions, replication factor 3, min.insync.replicas=2)"
    BROKERS=3 start_kafka "$d/brokers" "$d/kafka-brokers.log"
    node_args="--journal=kafka://127.0.0.1:$KAFKA_PORT,127.0.0.1:$((KAFKA_PORT + 1)),127.0.0.1:$((KAFKA_PORT + 2))/bench"
  fi
  log "$label-takeover #$r: 3 nodes on one PostgreSQL ($([[ -n $node_args ]] && echo "the journal on the three brokers, the group's session timeout 10 s" || echo "lease $CLUSTER_LEASE")), handler 0 ms, wrk -c$per on each, ${WARMUP}s warm-up + ${RUN_SECONDS}s"
  start_postgres "$d/postgres.log"
  for i in 0 1 2; do NODE_ARGS="$node_args" start_node $i "$d/node-$i.log"; done
  local wrks=()
  for i in 0 1 2; do run_wrk $((18100 + i)) "$per" "$WARMUP" "$WARM_BODIES" "$d/wrk-warmup-$i.txt" & wrks+=($!); done
  wait "${wrks[@]}" || log "  a wrk ended with an error or its time bound (see $d/wrk-*.txt)"
  sleep 2
  wrks=()
  for i in 0 1 2; do run_wrk $((18100 + i)) "$per" "$RUN_SECONDS" "$MAIN_BODIES" "$d/wrk-$i.txt" & wrks+=($!); done
  wait "${wrks[@]}" || log "  a wrk ended with an error or its time bound (see $d/wrk-*.txt)"
  local total p99 non200 rps_list="" p99_list="" non200_list=""
  for i in 0 1 2; do
    rps_list+=" $(kv "$d/wrk-$i.txt" rps)"; p99_list+=" $(kv "$d/wrk-$i.txt" p99_ms)"; non200_list+=" $(kv "$d/wrk-$i.txt" non200)"
  done
  total=$(python3 -c 'import sys; print(round(sum(float(x) for x in sys.argv[1:])))' $rps_list)
  p99=$(python3 -c 'import sys; print(max(float(x) for x in sys.argv[1:]))' $p99_list)
  non200=$(python3 -c 'import sys; print(sum(int(float(x)) for x in sys.argv[1:]))' $non200_list)
  log "  aggregate $total req/s over 3 nodes, worst node p99 $p99 ms, non-200 $non200"
  row "$label-3-nodes" "$r" rps="$total" p99_ms="$p99" non200="$non200"
  # The takeover is timed with no backlog left, so that it measures the takeover and not the drain.
  local t0 depth drained=timeout
  t0=$(date +%s)
  for ((i = 0; i < DRAIN_TIMEOUT; i++)); do
    curl -fsS --max-time 10 "http://127.0.0.1:18120/metrics" >"$d/drain.prom" || true
    depth=$($PROM value "$d/drain.prom" linegate_queue_depth)
    if [[ "${depth%.*}" == "0" ]]; then drained=$(($(date +%s) - t0)); break; fi
    sleep 1
  done
  log "  the three nodes handled the backlog of the run in ${drained} s"
  sleep 3
  java -jar "$JAR" takeover --kill-pid="${NODE_PIDS[2]}" --urls="http://127.0.0.1:18100/webhook,http://127.0.0.1:18101/webhook" \
    --stats=18110,18111 --events="$TAKEOVER_EVENTS" --timeout=120 | tee "$d/takeover.txt" >&2
  NODE_PIDS[2]=""
  log "  kill -9 of one node: $(kv "$d/takeover.txt" handled) of $(kv "$d/takeover.txt" acked) events from $TAKEOVER_EVENTS users handled $(kv "$d/takeover.txt" takeover_s) s after the kill ($([[ -n $node_args ]] && echo "session timeout 10 s" || echo "lease $CLUSTER_LEASE"))"
  row "$label-takeover" "$r" drain_s="$(kv "$d/takeover.txt" takeover_s)" lost="$(( $(kv "$d/takeover.txt" acked) - $(kv "$d/takeover.txt" handled) ))"
  stop_nodes
  stop_postgres
  if [[ $label == kafka-cluster ]]; then stop_kafka; fi
}

scenario_cluster_status() { # run: what `linegate cluster status` does (open the store, one snapshot), STATUS_EVENTS waiting
  local r="$1" d="$RESULTS/cluster-status-$1"
  mkdir -p "$d"
  log "cluster-status #$r: $STATUS_EVENTS events waiting on PostgreSQL behind the ${CLUSTER_DELAY_MS} ms each-way proxy, no node running; $STATUS_CALLS calls"
  start_postgres "$d/postgres.log"
  start_proxy "$d/proxy.log"
  java -Xmx512m -jar "$JAR" cluster-status --store="$PROXY_STORE" --events="$STATUS_EVENTS" --calls="$STATUS_CALLS" \
    2>"$d/err.txt" | tee "$d/out.txt" | grep -v " INFO \| WARN " >&2
  log "  cluster status with $(kv "$d/out.txt" waiting) waiting: first $(kv "$d/out.txt" first_ms) ms, median $(kv "$d/out.txt" p50_ms) ms, slowest $(kv "$d/out.txt" max_ms) ms (store opened each time; the JVM's start not included)"
  row cluster-status "$r" p50_ms="$(kv "$d/out.txt" p50_ms)" max_ms="$(kv "$d/out.txt" max_ms)" waiting="$(kv "$d/out.txt" waiting)"
  stop_proxy
  stop_postgres
}

scenario_emulator_push() { # run
  local r="$1" d="$RESULTS/emulator-push-$1"
  mkdir -p "$d"
  log "emulator-push #$r: $PUSH_REQUESTS pushes, 128 in flight, rate limits and spec validation off ($EMULATOR_JAVA_OPTS)"
  # shellcheck disable=SC2086
  timeout $((EMULATOR_SECONDS + 60)) java $EMULATOR_JAVA_OPTS -jar "$JAR" emulator-push --requests="$PUSH_REQUESTS" \
    --seconds="$EMULATOR_SECONDS" >"$d/out.txt" 2>&1 || true
  log "  $(kv "$d/out.txt" requests_per_s) req/s ($(kv "$d/out.txt" requests) ok, $(kv "$d/out.txt" failed) failed), heap used max $(kv "$d/out.txt" max_heap_mib) MiB"
  row emulator-push "$r" rps="$(kv "$d/out.txt" requests_per_s)" max_heap_mib="$(kv "$d/out.txt" max_heap_mib)" \
    ratio="$(python3 -c "print(round(float('$(kv "$d/out.txt" requests_per_s)' or 0) / 20000, 2))")"
}

scenario_emulator_webhook() { # run
  local r="$1" p d
  for p in $EMULATOR_PROTOCOLS; do
    d="$RESULTS/emulator-webhook-$p-$r"
    mkdir -p "$d"
    log "emulator-webhook $p #$r: $EMULATOR_EVENTS events after $EMULATOR_WARMUP, one per request, receiver in the same JVM ($EMULATOR_JAVA_OPTS)"
    # shellcheck disable=SC2086
    timeout $((2 * EMULATOR_SECONDS + 60)) java $EMULATOR_JAVA_OPTS -jar "$JAR" emulator-webhook --events="$EMULATOR_EVENTS" \
      --warmup="$EMULATOR_WARMUP" --protocol="$p" --seconds="$EMULATOR_SECONDS" >"$d/out.txt" 2>&1 || true
    log "  $(kv "$d/out.txt" requests_per_s) deliveries/s, $(kv "$d/out.txt" events_per_s) events/s end to end; sender alone on the backlog $(kv "$d/out.txt" drain_events_per_s) events/s; heap used max $(kv "$d/out.txt" max_heap_mib) MiB; not arrived $(kv "$d/out.txt" lost), webhook errors $(kv "$d/out.txt" webhook_errors)"
    row "emulator-webhook-$p" "$r" rps="$(kv "$d/out.txt" requests_per_s)" events_per_s="$(kv "$d/out.txt" events_per_s)" \
      drain_events_per_s="$(kv "$d/out.txt" drain_events_per_s)" max_heap_mib="$(kv "$d/out.txt" max_heap_mib)" \
      lost="$(kv "$d/out.txt" lost)" ratio="$(python3 -c "print(round(float('$(kv "$d/out.txt" requests_per_s)' or 0) / 20000, 2))")"
  done
}

scenario_emulator_page() { # run: the same webhook load and chatting users, without and with chat page streams
  local r="$1" v d label without="" ratio
  for v in none chatters load; do
    d="$RESULTS/emulator-page-$v-$r"
    mkdir -p "$d"
    local clients=$PAGE_CLIENTS
    [[ $v == none ]] && clients=0
    log "emulator-page $v #$r: $EMULATOR_EVENTS events after $EMULATOR_WARMUP from $PAGE_CLIENTS users in turn, h1c; $PAGE_CLIENTS users chatting 1 message/s; $clients chat page streams watching $([[ $v == load ]] && echo "the load's chats" || echo "the chatters' chats") ($EMULATOR_JAVA_OPTS)"
    # shellcheck disable=SC2086
    timeout $((2 * EMULATOR_SECONDS + 60)) java $EMULATOR_JAVA_OPTS -jar "$JAR" emulator-webhook --events="$EMULATOR_EVENTS" \
      --warmup="$EMULATOR_WARMUP" --protocol=h1c --seconds="$EMULATOR_SECONDS" --users="$PAGE_CLIENTS" \
      --chatters="$PAGE_CLIENTS" --page-clients="$clients" --pages-watch="$v" >"$d/out.txt" 2>&1 || true
    [[ $v == none ]] && without="$(kv "$d/out.txt" requests_per_s)"
    ratio="$(python3 -c "print(round(float('$(kv "$d/out.txt" requests_per_s)' or 0) / float('$without' or 1), 3))")"
    log "  $(kv "$d/out.txt" requests_per_s) deliveries/s (ratio to no streams $ratio), $(kv "$d/out.txt" events_per_s) events/s end to end; heap used max $(kv "$d/out.txt" max_heap_mib) MiB; not arrived $(kv "$d/out.txt" lost); chat messages $(kv "$d/out.txt" chat_messages)$( [[ $clients -gt 0 ]] && echo "; pages: $(kv "$d/out.txt" page_clients_connected) of $clients still connected, $(kv "$d/out.txt" page_items) items, $(kv "$d/out.txt" page_resyncs) resyncs, $(kv "$d/out.txt" page_mib) MiB")"
    row "emulator-page-$v" "$r" rps="$(kv "$d/out.txt" requests_per_s)" events_per_s="$(kv "$d/out.txt" events_per_s)" \
      max_heap_mib="$(kv "$d/out.txt" max_heap_mib)" lost="$(kv "$d/out.txt" lost)" ratio="$ratio"
  done
}

for ((run = 1; run <= RUNS; run++)); do
  for s in $SCENARIOS; do
    case "$s" in
      throughput) scenario_throughput "$run" ;;
      throughput-before) scenario_throughput_before "$run" ;;
      console) scenario_console "$run" ;;
      attack) scenario_attack "$run" ;;
      attack-before) scenario_attack_before "$run" ;;
      compare) scenario_compare "$run" ;;
      compare-before) scenario_compare_before "$run" ;;
      cpu) scenario_cpu "$run" ;;
      ceiling) scenario_ceiling "$run" ;;
      burst) scenario_burst "$run" ;;
      emulator-push) scenario_emulator_push "$run" ;;
      emulator-webhook) scenario_emulator_webhook "$run" ;;
      store) scenario_store "$run" ;;
      kafka) scenario_kafka "$run" ;;
      coldburst) scenario_coldburst "$run" ;;
      coldwrk) scenario_coldwrk "$run" ;;
      spring) scenario_spring "$run" ;;
      cluster) scenario_cluster "$run" ;;
      cluster-stall) scenario_cluster_stall "$run" ;;
      cluster-takeover) scenario_cluster_takeover "$run" ;;
      kafka-cluster) scenario_cluster_takeover "$run" kafka-cluster ;;
      cluster-status) scenario_cluster_status "$run" ;;
      emulator-page) scenario_emulator_page "$run" ;;
      *) echo "unknown scenario $s" >&2; exit 2 ;;
    esac
  done
done

rm -f "$MAIN_BODIES" "$WARM_BODIES" "$CPU_BODIES" "$RESULTS/.sample.prom" "$RESULTS"/cluster-bodies-*.txt "$RESULTS"/cluster-warm-bodies-*.txt
{
  echo
  echo "Summary ($RESULTS/results.tsv); latencies in ms, p99 measured by the load generator"
  echo "(wrk: closed loop; burst: open loop from the intended send time); server_p99 from linegate_ack_latency_seconds."
  $PROM summary "$TSV"
  echo
  echo "Targets: throughput >= 20000 req/s with p99 <= 25 ms; burst p99 < 100 ms, heap < 256 MiB, lost 0, duplicates 0."
  echo "Emulator: push >= 20000 req/s, webhook >= 20000 deliveries/s (ratio = rps / 20000)."
  echo "Store: PostgreSQL >= 0.5 x SQLite with p99 <= 50 ms; cluster takeover (drain_s) <= lease + 2 s, lost 0."
  echo "Kafka (issue 28): kafka-vs-sqlite ratio = journal-kafka / journal-sqlite req/s, target >= 0.5 with p99 <= 50 ms;"
  echo "kafka-broker-c64 cpu_us = the broker's CPU per webhook over journal-kafka's window (linegate's is in journal-kafka)."
  echo "Cluster (issue 24, PostgreSQL behind a ${CLUSTER_DELAY_MS} ms each-way proxy): rps = aggregate durable-ack req/s, events_per_s ="
  echo "handled/s during the run, drain_s = backlog drain after it; cluster[-before]-nN-vs-n1 ratio = req/s of N nodes / 1 node"
  echo "(-handled: handled/s), cluster-after-vs-before-nN ratio = this build / BEFORE_JAR. Target: n3-vs-n1 >= 2.5, after-vs-before-n3 >= 3."
  echo "lost = acknowledged and not handled when the drain ended (a backlog left if drain_s is empty: CLUSTER_DRAIN_TIMEOUT)."
  echo "cluster-stall: gap_ms = longest gap in handler runs on a healthy node while node 2 is SIGSTOPped (target < 2000)."
  echo "cluster-status: p50_ms / max_ms of opening the store and reading one snapshot with STATUS_EVENTS waiting (target < 1000)."
  echo "Spring (issue 13): ratio of spring-starter-hN = starter / baseline, of spring-serve-hN = serve / baseline, of spring-starter-vs-serve-hN = starter / serve; target h50: starter / baseline >= 5 with p99 < 50 ms."
  echo "Emulator with chat pages: emulator-page-chatters and -load ratio = their deliveries/s / those of emulator-page-none in the same run."
  echo "Before/after (BEFORE_JAR): compare-linegate-before ratio = its req/s / this run's baseline; *-after-vs-before ratio = this build / the earlier one"
  echo "(compare: req/s; cpu: CPU us per webhook, lower is better). cpu rows: cpu_s = server CPU seconds around the fixed load,"
  echo "cpu_us = CPU us per acknowledged (and, for linegate, handled) webhook, ratio = cpu_us / the floor's (cpu-floor)."
  echo "cpu_us elsewhere (the same /proc method): ceiling = per request answered; throughput[-before], store-* = per webhook"
  echo "acknowledged and handled (from the run's start until the queue is empty); compare-baseline = per request answered"
  echo "(handled on its thread); compare-linegate[-before] = per webhook acknowledged over the run (its backlog is handled after)."
} | tee "$RESULTS/summary.txt"
