#!/usr/bin/env bash
# Launch to ready (issue 26): how long `./linegate serve` takes from the command to /health answering 200,
# on each JVM, with and without what a training run leaves (AppCDS on 17 and 21, the JDK's ahead-of-time
# cache on 25, AppCDS on 25 for comparison). Two readiness points per launch mode:
#   cold   --warm-up PT0S: the JVM starts, opens the store and listens; ready as soon as it can store
#   warm   the default warm-up: ready once the acknowledgement path's latency has settled (or its cap ran out)
# RUNS [3] launches each (medians; WARM_RUNS [RUNS] for the warm point), loopback only, every wait bounded. Run it on a quiet machine, under the
# project's Maven lock (flock /tmp/linegate-mvn.lock bench/startup.sh), after `./linegate` has built its jar:
#   JAVAS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64" RUNS=3 bench/startup.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
WARM_RUNS="${WARM_RUNS:-$RUNS}"
JAVAS="${JAVAS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"
PORT="${PORT:-18471}"
ADMIN_PORT="${ADMIN_PORT:-18472}"
out="$here/bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
[ -f "$here/cli/target/linegate.jar" ] || { echo "build the jar first: ./linegate --help" >&2; exit 2; }

ready_ms() { # java home, LINEGATE_CDS, warm-up: prints ms from launch to /health 200
  local home="$1" mode="$2" warm="$3" data t0 pid i
  data="$(mktemp -d)"
  t0=$(date +%s%N)
  PATH="$home/bin:$PATH" LINEGATE_CDS="$mode" LINE_CHANNEL_SECRET=0123456789abcdef0123456789abcdef \
    "$here/linegate" serve --insecure-http --host 127.0.0.1 --port "$PORT" --admin-port "$ADMIN_PORT" \
    --data-dir "$data/data" --create ${warm:+--warm-up "$warm"} >"$data/serve.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 2400; i++)); do # 120 s at most
    if curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; then
      echo $(( ($(date +%s%N) - t0) / 1000000 ))
      kill "$pid"; wait "$pid" 2>/dev/null || true
      grep -o 'warm-up: .*' "$data/serve.log" | head -1 >>"$out/warm-up-lines.txt" || true
      rm -rf "$data"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "serve did not become ready; its log: $data/serve.log" >&2
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  echo -1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

printf 'java\tmode\tcold_ms (runs)\twarm_ms (runs)\n' | tee "$out/summary.tsv"
for home in $JAVAS; do
  [ -x "$home/bin/java" ] || { echo "no $home/bin/java: skipped" >&2; continue; }
  feature="$("$home/bin/java" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')"
  modes="off on"; [ "$feature" -ge 25 ] && modes="off appcds on"
  for mode in $modes; do
    # The first launch in a mode builds its archive (a training run): not counted.
    ready_ms "$home" "$mode" PT0S >/dev/null
    cold=(); warm=()
    for ((r = 1; r <= RUNS; r++)); do cold+=("$(ready_ms "$home" "$mode" PT0S)"); done
    for ((r = 1; r <= WARM_RUNS; r++)); do warm+=("$(ready_ms "$home" "$mode" "")"); done
    label="$mode"; [ "$mode" = on ] && { [ "$feature" -ge 25 ] && label="aot" || label="appcds"; }
    printf '%s\t%s\t%s (%s)\t%s (%s)\n' "$feature" "$label" \
      "$(printf '%s\n' "${cold[@]}" | median)" "${cold[*]}" "$(printf '%s\n' "${warm[@]}" | median)" "${warm[*]}" \
      | tee -a "$out/summary.tsv"
  done
done
echo "results: $out" >&2
