#!/usr/bin/env python3
"""Small helpers for bench/run.sh: read Prometheus text scrapes, medians of result rows.

  promtool.py heap FILE                 heap used (bytes), summed over the heap pools
  promtool.py value FILE METRIC         a sample's value (METRIC as printed, labels included), 0 if absent
  promtool.py quantile BEFORE AFTER Q   quantile Q of linegate_ack_latency_seconds between two scrapes (ms)
  promtool.py kv FILE KEY               "RESULT KEY value" / "KEY value" lines: the value
  promtool.py summary TSV               median table of the result rows
  promtool.py delta BEFORE AFTER METRIC METRIC's increase between two scrapes (an integer)
  promtool.py drained BEFORE NOW        exit 0 if the queue is empty and every event received since BEFORE is
                                        handled or deduplicated, 1 otherwise
  promtool.py deltasum METRIC BEFORE1 NOW1 [BEFORE2 NOW2 ...]   METRIC's increase summed over nodes (an integer)
  promtool.py unhandled BEFORE1 NOW1 [BEFORE2 NOW2 ...]   webhooks acknowledged (200) since BEFORE on all the nodes,
                                        less the events handled or deduplicated since then on all of them: 0 once a
                                        cluster fed one-event webhooks has handled them all (any node may handle any
                                        node's events, so only the sums mean something)
"""
import math
import re
import statistics
import sys


def samples(path):
    out = {}
    with open(path) as f:
        for line in f:
            if not line or line.startswith('#'):
                continue
            parts = line.rsplit(' ', 1)
            if len(parts) != 2:
                continue
            try:
                out[parts[0].strip()] = float(parts[1])
            except ValueError:
                pass
    return out


def heap(path):
    return sum(v for k, v in samples(path).items()
               if k.startswith('jvm_memory_used_bytes{') and 'area="heap"' in k)


def buckets(path):
    b = {}
    for k, v in samples(path).items():
        m = re.match(r'linegate_ack_latency_seconds_bucket\{.*le="([^"]+)".*\}', k)
        if m:
            le = math.inf if m.group(1) == '+Inf' else float(m.group(1))
            b[le] = b.get(le, 0) + v
    return b


def quantile(before, after, q):
    b0, b1 = buckets(before), buckets(after)
    les = sorted(b1)
    counts = [(le, b1[le] - b0.get(le, 0)) for le in les]
    total = counts[-1][1] if counts else 0
    if total <= 0:
        return float('nan')
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in counts:
        if c >= rank:
            if le == math.inf:
                return prev_le * 1000
            # linear interpolation inside the bucket, as Prometheus' histogram_quantile does
            frac = (rank - prev_c) / (c - prev_c) if c > prev_c else 1.0
            return (prev_le + (le - prev_le) * frac) * 1000
        prev_le, prev_c = le, c
    return float('nan')


def delta(before, after, metric):
    return samples(after).get(metric, 0.0) - samples(before).get(metric, 0.0)


def drained(before, now):
    b, n = samples(before), samples(now)
    d = lambda m: n.get(m, 0.0) - b.get(m, 0.0)
    return (n.get('linegate_queue_depth', 1.0) == 0.0
            and d('linegate_events_processed_total{outcome="handled"}') + d('linegate_events_duplicate_total')
            >= d('linegate_events_received_total'))


ACKED = 'linegate_webhook_requests_total{status="200"}'
HANDLED = 'linegate_events_processed_total{outcome="handled"}'
DUPLICATE = 'linegate_events_duplicate_total'


def deltasum(metric, pairs):
    return sum(delta(b, n, metric) for b, n in pairs)


def unhandled(pairs):
    return deltasum(ACKED, pairs) - deltasum(HANDLED, pairs) - deltasum(DUPLICATE, pairs)


def pairs_of(args):
    if len(args) % 2:
        sys.exit('expected BEFORE NOW pairs')
    return list(zip(args[0::2], args[1::2]))


def kv(path, key):
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[0] == 'RESULT' and p[1] == key:
                return p[2]
            if len(p) == 2 and p[0] == key:
                return p[1]
    return ''


def summary(tsv):
    rows = []
    with open(tsv) as f:
        header = f.readline().rstrip('\n').split('\t')
        for line in f:
            rows.append(dict(zip(header, line.rstrip('\n').split('\t'))))
    groups = {}
    for r in rows:
        groups.setdefault(r['scenario'], []).append(r)
    for scen, rs in groups.items():
        print(f'== {scen}: {len(rs)} run(s); median (min..max) ==')
        keys = [k for k in header if k not in ('scenario', 'run')]
        for k in keys:
            vals = []
            for r in rs:
                try:
                    vals.append(float(r.get(k, '')))
                except ValueError:
                    pass
            if not vals:
                continue
            med = statistics.median(vals)
            if len(vals) > 1:
                print(f'  {k:28s} {med:12.2f}   ({min(vals):.2f} .. {max(vals):.2f})')
            else:
                print(f'  {k:28s} {med:12.2f}')


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'heap':
        print(int(heap(sys.argv[2])))
    elif cmd == 'value':
        print(samples(sys.argv[2]).get(sys.argv[3], 0.0))
    elif cmd == 'quantile':
        print(f'{quantile(sys.argv[2], sys.argv[3], float(sys.argv[4])):.2f}')
    elif cmd == 'kv':
        print(kv(sys.argv[2], sys.argv[3]))
    elif cmd == 'delta':
        print(int(delta(sys.argv[2], sys.argv[3], sys.argv[4])))
    elif cmd == 'drained':
        sys.exit(0 if drained(sys.argv[2], sys.argv[3]) else 1)
    elif cmd == 'deltasum':
        print(int(deltasum(sys.argv[2], pairs_of(sys.argv[3:]))))
    elif cmd == 'unhandled':
        print(int(unhandled(pairs_of(sys.argv[2:]))))
    elif cmd == 'summary':
        summary(sys.argv[2])
    else:
        sys.exit('unknown command ' + cmd)
