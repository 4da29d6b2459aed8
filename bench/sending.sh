#!/usr/bin/env bash
# linegate sending benchmarks (issue 4, "How fast"). Loopback only; every loop is bounded in count and time.
#
#   bench/sending.sh                                  # all three, RUNS=3 each, medians at the end (about 25 min)
#   SCENARIOS=push RUNS=1 bench/sending.sh            # one scenario, once
#   SCENARIOS=campaign RECIPIENTS=50000 RUNS=1 bench/sending.sh   # quick check of the campaign path
#   SCENARIOS=jmh JMH_QUICK=1 bench/sending.sh        # short JMH iterations (a smoke test, not figures)
#
# Scenarios (SCENARIOS, space-separated, default "push campaign jmh"):
#   push      MessageSender (production defaults: client-side rate limits at scale 1, API request log in
#             SQLite) from PUSH_THREADS threads against the emulator with LINE's real limits (push:
#             2,000 requests/s per channel), PUSH_WARMUP s then PUSH_DURATION s measured. Target: >= 95% of
#             2,000/s and no 429 (counted by the client's request log, every attempt; the emulator side is
#             what it accepted, from its quota consumption). The emulator runs in the same JVM, with its
#             OpenAPI schema check off unless PUSH_VALIDATE=true (the check costs more CPU than 2 shared
#             cores have at 2,000/s; see docs/benchmarks.md).
#   campaign  a campaign to RECIPIENTS users (default 1,000,000, created with the emulator's bulk API) at
#             CAMPAIGN_RATE recipients/s; emulator, campaign creation and sending process each in their
#             own JVM. The sending process (-Xmx$SENDER_HEAP) is killed with SIGKILL when the emulator has
#             reached KILL_AT of the recipients, then restarted. Target: every recipient reached exactly
#             once (emulator's per-recipient summary); reports duration and the sender's peak heap.
#   jmh       JMH (1.37): the bare official MessagingApiClient vs linegate's MessageSender (with and
#             without the API request log) pushing to a trivial loopback Armeria server. Per-op time with
#             1 thread and throughput with JMH_THREADS threads; ratio and overhead in microseconds, in
#             wall time (JMH's score) and in CPU time of the benchmark JVM per push.
#
# Environment (defaults in brackets):
#   RUNS [3]  RESULTS [bench/results/sending-<UTC timestamp>]
#   PUSH_THREADS [64]  PUSH_WARMUP [10]  PUSH_DURATION [30]  PUSH_VALIDATE [false]  PUSH_USERS [100]
#   RECIPIENTS [1000000]  CAMPAIGN_RATE [100000 = LINE's multicast limit, 200 requests/s x 500]
#   KILL_MODE inflight (the kill lands while an already delivered batch waits for its answer, held back 3 s
#             by the emulator, so the restart must rely on the retry key) or anytime [inflight]
#   KILL_AT [0.5]  SENDER_HEAP [256m]  EMULATOR_HEAP [2g]  RATE_LIMIT_SCALE [1]  CAMPAIGN_TIMEOUT [1800]
#   RUNNER    bench (the bench jar's campaign-start/run, the CLI's classes and settings) or cli
#             (java -jar cli/target/linegate.jar campaign start/run; built with ./linegate if missing) [bench]
#   JMH_THREADS [4] (the bare SDK client allows 5 requests in flight per host: stay under it)
#   JMH_QUICK [0]  1 = 2 x 1 s warm-up and 3 x 1 s measurement instead of 5 x 2 s each
#   INSTALL   1 = reinstall core, store, messaging, emulator into ~/.m2 first [only if missing]
#   MVN_FLAGS extra Maven flags, e.g. -o to build offline []
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
JAR="$BENCH/target/linegate-bench.jar"
MAIN=io.linegate.bench.sending.SendingMain

SCENARIOS="${SCENARIOS:-push campaign jmh}"
RUNS="${RUNS:-3}"
PUSH_THREADS="${PUSH_THREADS:-64}"
PUSH_WARMUP="${PUSH_WARMUP:-10}"
PUSH_DURATION="${PUSH_DURATION:-30}"
PUSH_VALIDATE="${PUSH_VALIDATE:-false}"
PUSH_USERS="${PUSH_USERS:-100}"
RECIPIENTS="${RECIPIENTS:-1000000}"
CAMPAIGN_RATE="${CAMPAIGN_RATE:-100000}"
KILL_AT="${KILL_AT:-0.5}"
KILL_MODE="${KILL_MODE:-inflight}"
SENDER_HEAP="${SENDER_HEAP:-256m}"
EMULATOR_HEAP="${EMULATOR_HEAP:-2g}"
RATE_LIMIT_SCALE="${RATE_LIMIT_SCALE:-1}"
CAMPAIGN_TIMEOUT="${CAMPAIGN_TIMEOUT:-1800}"
RUNNER="${RUNNER:-bench}"
JMH_THREADS="${JMH_THREADS:-4}"
JMH_QUICK="${JMH_QUICK:-0}"
RESULTS="${RESULTS:-$BENCH/results/sending-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$RESULTS"
TSV="$RESULTS/results.tsv"
: >"$TSV"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/run.log" >&2; }
kv() { grep -E "^$2=" "$1" | tail -1 | cut -d= -f2-; } # file key
row() { # scenario run key=value...
  local s="$1" r="$2"; shift 2
  local kvp; for kvp in "$@"; do printf '%s\t%s\t%s\t%s\n' "$s" "$r" "${kvp%%=*}" "${kvp#*=}" >>"$TSV"; done
}

# ---- build ----------------------------------------------------------------------------------------
for c in java mvn python3; do command -v "$c" >/dev/null 2>&1 || { echo "missing: $c" >&2; exit 1; }; done
M2="${HOME}/.m2/repository/io/linegate"
if [[ "${INSTALL:-0}" == 1 || ! -f "$M2/linegate-emulator/0.1.0-SNAPSHOT/linegate-emulator-0.1.0-SNAPSHOT.jar" \
      || ! -f "$M2/linegate-messaging/0.1.0-SNAPSHOT/linegate-messaging-0.1.0-SNAPSHOT.jar" ]]; then
  log "installing core, store, messaging, emulator into ~/.m2 (mvn install -DskipTests)"
  mvn -q ${MVN_FLAGS:-} -f "$ROOT/pom.xml" install -DskipTests -pl core,store,messaging,emulator -am
fi
log "building $JAR"
mvn -q ${MVN_FLAGS:-} -f "$BENCH/pom.xml" package -DskipTests
if [[ "$RUNNER" == cli && " $SCENARIOS " == *" campaign "* && ! -f "$ROOT/cli/target/linegate.jar" ]]; then
  log "building cli/target/linegate.jar"
  "$ROOT/linegate" --help >/dev/null
fi

{
  echo "date: $(date -u +%FT%TZ)"
  if c=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    git -C "$ROOT" diff --quiet HEAD -- messaging store emulator core bench/src 2>/dev/null || c="$c (+ uncommitted changes under messaging, store, emulator, core or bench/src)"
  else
    c="unknown (not a git checkout)"
  fi
  echo "commit: $c"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  free -g | sed 's/^/free -g: /'
  java -version 2>&1 | sed 's/^/java: /'
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  for m in messaging emulator store; do
    f="$M2/linegate-$m/0.1.0-SNAPSHOT/linegate-$m-0.1.0-SNAPSHOT.jar"
    [[ -f "$f" ]] && echo "jar: linegate-$m installed $(date -u -r "$f" +%FT%TZ) sha256 $(sha256sum "$f" | cut -c1-16)"
  done
  echo "settings: SCENARIOS='$SCENARIOS' RUNS=$RUNS PUSH_THREADS=$PUSH_THREADS PUSH_WARMUP=$PUSH_WARMUP PUSH_DURATION=$PUSH_DURATION PUSH_VALIDATE=$PUSH_VALIDATE RECIPIENTS=$RECIPIENTS CAMPAIGN_RATE=$CAMPAIGN_RATE KILL_AT=$KILL_AT KILL_MODE=$KILL_MODE SENDER_HEAP=$SENDER_HEAP RUNNER=$RUNNER JMH_THREADS=$JMH_THREADS JMH_QUICK=$JMH_QUICK"
} | tee "$RESULTS/machine.txt"

# ---- scenarios ------------------------------------------------------------------------------------
scenario_push() { # run
  local out="$RESULTS/push-$1.txt"
  log "push #$1: $PUSH_THREADS threads, ${PUSH_WARMUP}s warm-up + ${PUSH_DURATION}s, emulator spec validation $PUSH_VALIDATE (load average $(cut -d' ' -f1 /proc/loadavg))"
  timeout $((PUSH_WARMUP + PUSH_DURATION + 300)) java -Xmx1g -cp "$JAR" $MAIN push --threads="$PUSH_THREADS" \
    --warmup="$PUSH_WARMUP" --duration="$PUSH_DURATION" --validate="$PUSH_VALIDATE" --users="$PUSH_USERS" \
    >"$out" 2>"$RESULTS/push-$1.log" || log "  push run $1 failed (exit $?), see $RESULTS/push-$1.log"
  grep -E '^[0-9]+ pushes/s|^verdict=' "$out" >&2 || true
  row push "$1" rps="$(kv "$out" push_rate_rps)" ratio_to_limit="$(kv "$out" ratio_to_limit)" \
    client_429="$(kv "$out" client_429_attempts)" emulator_refused="$(kv "$out" emulator_refused)" \
    emulator_accepted_rps="$(kv "$out" emulator_accepted_rps)" errors="$(kv "$out" client_errors)" \
    push_p50_ms="$(kv "$out" push_p50_ms)" push_p99_ms="$(kv "$out" push_p99_ms)" \
    attempt_p50_ms="$(kv "$out" attempt_p50_ms)" attempt_p99_ms="$(kv "$out" attempt_p99_ms)"
}

scenario_campaign() { # run
  local out="$RESULTS/campaign-$1.txt" work="$RESULTS/campaign-$1"
  log "campaign #$1: $RECIPIENTS recipients at $CAMPAIGN_RATE/s, kill -9 at $KILL_AT ($KILL_MODE), sender -Xmx$SENDER_HEAP, runner $RUNNER (load average $(cut -d' ' -f1 /proc/loadavg))"
  timeout $((CAMPAIGN_TIMEOUT + 60)) java -Xmx512m -cp "$JAR" $MAIN campaign --recipients="$RECIPIENTS" \
    --rate="$CAMPAIGN_RATE" --kill-at="$KILL_AT" --kill-mode="$KILL_MODE" --sender-heap="$SENDER_HEAP" --emulator-heap="$EMULATOR_HEAP" \
    --rate-limit-scale="$RATE_LIMIT_SCALE" --runner="$RUNNER" --cli-jar="$ROOT/cli/target/linegate.jar" \
    --timeout="$CAMPAIGN_TIMEOUT" --work="$work" >"$out" 2>"$RESULTS/campaign-$1.log" \
    || log "  campaign run $1 did not meet its checks (exit $?), see $out"
  grep -vE '^[a-z0-9_]+=' "$out" | grep -v '^$' >&2 || true
  rm -f "$work/recipients.txt"
  row campaign "$1" duration_s="$(kv "$out" duration_s)" recipients_per_s="$(kv "$out" recipients_per_s)" \
    reached="$(kv "$out" reached_recipients)" duplicated="$(kv "$out" duplicated_recipients)" \
    max_per_recipient="$(kv "$out" max_per_recipient)" killed_at="$(kv "$out" killed_at_recipients)" \
    retry_409s="$(kv "$out" retry_key_409s)" peak_heap_mib="$(kv "$out" peak_heap_mib)" verdict="$(kv "$out" verdict | cut -d' ' -f1)"
}

scenario_jmh() { # run
  local iters=(-wi 5 -w 2 -i 5 -r 2) mode
  [[ "$JMH_QUICK" == 1 ]] && iters=(-wi 2 -w 1 -i 3 -r 1)
  for mode in avgt thrpt; do
    local threads=1 unit=us out="$RESULTS/jmh-$mode-$1"
    [[ $mode == thrpt ]] && threads=$JMH_THREADS && unit=s
    log "jmh #$1: $mode, $threads thread(s) (load average $(cut -d' ' -f1 /proc/loadavg))"
    timeout 1200 java -cp "$JAR" org.openjdk.jmh.Main ClientOverhead -f 1 -t "$threads" -bm "$mode" \
      -tu "$unit" "${iters[@]}" -rf json -rff "$out.json" >"$out.txt" 2>&1 || log "  jmh failed, see $out.txt"
    python3 - "$out.json" "$out.txt" "$mode" "$1" "$TSV" <<'EOF'
import json, statistics, sys
from collections import defaultdict
path, text, mode, run, tsv = sys.argv[1:]
res = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(path))}
cpu = defaultdict(list)  # "cpu_us_per_op <benchmark> <value>" per measurement iteration
for line in open(text):
    f = line.split()
    if len(f) == 3 and f[0] == "cpu_us_per_op":
        cpu[f[1]].append(float(f[2]))
with open(tsv, "a") as t:
    for name, m in res.items():
        t.write(f"jmh-{mode}\t{run}\t{name}\t{m['score']}\n")
        c = statistics.median(cpu[name]) if cpu[name] else float("nan")
        t.write(f"jmh-cpu-{mode}\t{run}\t{name}\t{c}\n")
        print(f"  {name:14s} {m['score']:12.3f} ± {m['scoreError']:.3f} {m['scoreUnit']}, CPU {c:.1f} us per push (process)",
              file=sys.stderr)
EOF
  done
}

for ((run = 1; run <= RUNS; run++)); do
  for s in $SCENARIOS; do
    case "$s" in
      push) scenario_push "$run" ;;
      campaign) scenario_campaign "$run" ;;
      jmh) scenario_jmh "$run" ;;
      *) echo "unknown scenario $s" >&2; exit 2 ;;
    esac
  done
done

# ---- summary: medians over the runs ---------------------------------------------------------------
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
python3 - "$TSV" <<'EOF' | tee "$RESULTS/summary.txt"
import sys, statistics
from collections import defaultdict
rows = defaultdict(lambda: defaultdict(list))
for line in open(sys.argv[1]):
    s, r, k, v = line.rstrip("\n").split("\t")
    rows[s][k].append(v)

def num(vs):
    out = []
    for v in vs:
        try:
            out.append(float(v))
        except ValueError:
            pass
    return out

def med(vs):
    n = num(vs)
    if not n:
        return "-" if not vs else "/".join(vs)
    m = statistics.median(n)
    f = (lambda x: f"{x:.0f}") if all(x == int(x) for x in n) else (lambda x: f"{x:g}")
    rng = f" ({f(min(n))} .. {f(max(n))})" if len(n) > 1 else ""
    return f"{f(m)}{rng}"

print()
print("Summary: medians over runs (min .. max)")
if "push" in rows:
    p = rows["push"]
    print("\npush at the rate limit (target >= 1,900 req/s = 95% of 2,000, no 429)")
    for k in ["rps", "ratio_to_limit", "client_429", "emulator_refused", "emulator_accepted_rps", "errors",
              "push_p50_ms", "push_p99_ms", "attempt_p50_ms", "attempt_p99_ms"]:
        print(f"  {k:22s} {med(p[k])}")
    rps = num(p["rps"])
    ok = rps and statistics.median(rps) >= 1900 and all(x == 0 for x in num(p["client_429"]) + num(p["emulator_refused"]))
    print(f"  verdict                {'MET' if ok else 'MISSED'}")
if "campaign" in rows:
    c = rows["campaign"]
    print("\ncampaign with kill -9 and restart (target: every recipient exactly once)")
    for k in ["duration_s", "recipients_per_s", "reached", "duplicated", "max_per_recipient", "killed_at",
              "retry_409s", "peak_heap_mib"]:
        print(f"  {k:22s} {med(c[k])}")
    print(f"  verdicts               {' '.join(c['verdict'])}")
for mode, unit in (("avgt", "us/op"), ("thrpt", "ops/s")):
    j = rows.get(f"jmh-{mode}")
    if not j:
        continue
    print(f"\nJMH ClientOverhead, {mode} ({unit}; {'1 thread' if mode == 'avgt' else 'JMH_THREADS threads'})")
    for k in ("bare", "linegate", "linegateNoLog"):
        if k in j:
            print(f"  {k:22s} {med(j[k])}")
    if "bare" in j and "linegate" in j:
        bare, lg = statistics.median(num(j["bare"])), statistics.median(num(j["linegate"]))
        nolog = statistics.median(num(j["linegateNoLog"])) if "linegateNoLog" in j else None
        if mode == "avgt":
            print(f"  ratio linegate/bare    {lg / bare:.2f} (time per push; 1.00 = no overhead)")
            print(f"  overhead               {lg - bare:.1f} us per push"
                  + (f" ({nolog - bare:.1f} us without the request log)" if nolog else ""))
        else:
            print(f"  ratio linegate/bare    {lg / bare:.2f} (pushes per second; 1.00 = no overhead)")
            print(f"  throughput             bare {bare:,.0f}/s, linegate {lg:,.0f}/s"
                  + (f", without the request log {nolog:,.0f}/s" if nolog else ""))
    c = rows.get(f"jmh-cpu-{mode}")
    if c and "bare" in c and "linegate" in c:
        cb, cl = statistics.median(num(c["bare"])), statistics.median(num(c["linegate"]))
        cn = statistics.median(num(c["linegateNoLog"])) if "linegateNoLog" in c else None
        print(f"  CPU us per push        bare {med(c['bare'])}, linegate {med(c['linegate'])}"
              + (f", without the request log {med(c['linegateNoLog'])}" if cn else ""))
        print(f"  CPU ratio linegate/bare {cl / cb:.2f}; overhead {cl - cb:.1f} us of CPU per push"
              + (f" ({cn - cb:.1f} us without the request log)" if cn else "")
              + " (whole JVM: client, server, SQLite writer)")
EOF
log "results in $RESULTS"
