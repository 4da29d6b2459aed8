#!/usr/bin/env bash
# linegate handler-API benchmark (issue 12, "How fast"): what the middleware chain costs per event, with JMH.
#
#   flock /tmp/linegate-cpu.lock bench/middleware.sh          # 3 forks of 5 x 1 s warm-up + 5 x 1 s measurement
#   FORKS=1 JMH_QUICK=1 bench/middleware.sh                    # a smoke test, not figures
#
# Benchmarks (io.linegate.webhook.ChainOverhead, average time per event, ns):
#   direct                       the handler called directly: the baseline
#   fivePassThroughLinks         five links that only pass the event on: the chain itself
#   runtimeLinksAndTwoOfTheBots  the dispatcher's real chain: mute, maintenance, flood control, plus an
#                                allow-list and an audit link of the bot's: five links doing their work
# Per-event overhead = a chain's score - direct's. Target: under 2 µs (2,000 ns) for five links.
#
# Environment: FORKS [3]  JMH_QUICK [0]  INSTALL [1: reinstall core, store, webhook into ~/.m2 first]
#              RESULTS [bench/results/middleware-<UTC timestamp>]  MVN_FLAGS []
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
JAR="$BENCH/target/linegate-bench.jar"
FORKS="${FORKS:-3}"
RESULTS="${RESULTS:-$BENCH/results/middleware-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$RESULTS"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/run.log" >&2; }

if [[ "${INSTALL:-1}" == 1 ]]; then
  log "installing the runtime modules into ~/.m2 (mvn install -DskipTests)"
  mvn -q ${MVN_FLAGS:-} -f "$ROOT/pom.xml" install -DskipTests -pl server,emulator -am
fi
log "building $JAR"
mvn -q ${MVN_FLAGS:-} -f "$BENCH/pom.xml" package -DskipTests
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  java -version 2>&1 | sed 's/^/java: /'
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS/machine.txt"

iters=(-wi 5 -w 1 -i 5 -r 1)
[[ "${JMH_QUICK:-0}" == 1 ]] && iters=(-wi 2 -w 1 -i 3 -r 1)
log "jmh ChainOverhead: $FORKS fork(s), ${iters[*]}"
timeout 1200 java -cp "$JAR" org.openjdk.jmh.Main ChainOverhead -f "$FORKS" "${iters[@]}" -rf json -rff "$RESULTS/jmh.json" \
  >"$RESULTS/jmh.txt" 2>&1 || { log "jmh failed, see $RESULTS/jmh.txt"; exit 1; }
python3 - "$RESULTS/jmh.json" <<'PY' | tee "$RESULTS/summary.txt"
import json, sys
rows = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
base = rows["direct"]["score"]
print(f"{'benchmark':30} {'ns/event':>10} {'± (99.9%)':>10} {'overhead ns':>12}")
for name in ("direct", "fivePassThroughLinks", "runtimeLinksAndTwoOfTheBots"):
    m = rows[name]
    print(f"{name:30} {m['score']:10.1f} {m['scoreError']:10.1f} {m['score'] - base:12.1f}")
over = rows["runtimeLinksAndTwoOfTheBots"]["score"] - base
print(f"verdict: five working links cost {over:.0f} ns per event ({'under' if over < 2000 else 'OVER'} the 2,000 ns target)")
PY
