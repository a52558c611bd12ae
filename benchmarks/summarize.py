#!/usr/bin/env python3
"""Turns a JMH JSON result file of the Eventline benchmarks into the README's markdown tables.

Usage: python3 benchmarks/summarize.py benchmarks/results/<date>-<machine>.json [> table.md]

Each Eventline figure is printed with its ceiling from the same file (plain JDBC or plain Jackson doing the
same work) and the ratio; the issue-9 targets are marked met or missed. Nothing here measures anything.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def short(name):
    cls, method = name.split(".")[-2:]
    return cls, method


def index(results):
    rows = {}
    for r in results:
        cls, method = short(r["benchmark"])
        params = tuple(sorted((r.get("params") or {}).items()))
        rows[(cls, method, params)] = r
    return rows


def find(rows, cls, method, **params):
    want = {k: str(v) for k, v in params.items()}
    for (c, m, p), r in rows.items():
        if c == cls and m == method and all(dict(p).get(k) == v for k, v in want.items()):
            return r
    return None


def score(r):
    return r["primaryMetric"]["score"] if r else None


def secondary(r, name):
    if not r:
        return None
    metric = r.get("secondaryMetrics", {}).get(name)
    return metric["score"] if metric else None


def pct(value, ceiling):
    if value is None or not ceiling:
        return "–"
    return f"{100.0 * value / ceiling:.0f}%"


def num(value, digits=0):
    if value is None:
        return "–"
    if digits:
        return f"{value:,.{digits}f}"
    return f"{value:,.0f}"


def verdict(value, target, higher_is_better=True):
    if value is None:
        return "not run"
    ok = value >= target if higher_is_better else value <= target
    return "**met**" if ok else "**missed**"


STORES = ["memory", "h2mem", "h2file", "postgres"]


def replay(rows, out):
    out.append("### Replay (AggregateRepository.load: read + deserialize + evolve)\n")
    out.append("| store | events | snapshots | time per load (µs) | events/s | ceiling events/s | % of ceiling |")
    out.append("|---|---:|---|---:|---:|---:|---:|")
    decode = score(find(rows, "DecodeCeilingBenchmark", "jacksonDecodeAndEvolve"))
    for store in STORES:
        ceiling = decode if store == "memory" else replay_ceiling(rows, store)
        for size in ["100", "1000", "10000", "100000"]:
            for snap in ["false", "true"]:
                r = find(rows, "ReplayBenchmark", "load", store=store, size=size, snapshots=snap)
                if not r:
                    continue
                micros = score(r)
                rate = int(size) / (micros / 1e6)
                note = " (effective: most events come from the snapshot)" if snap == "true" else ""
                out.append(f"| {store} | {int(size):,} | {'every 100' if snap == 'true' else 'no'} | "
                           f"{num(micros, 1)} | {num(rate)}{note} | {num(ceiling)} | "
                           f"{pct(rate, ceiling) if snap == 'false' else '–'} |")
    out.append("")
    out.append("Ceilings: in memory, plain Jackson decoding + evolve of the same 10,000 payloads (a plain mapper plus "
               "the `FastInstantModule` Eventline's mapper uses); on a database, plain JDBC reading one 10,000-event "
               "stream (all columns) + the same Jackson + evolve, the better of one select with fetch size 1,000 "
               "and keyset pages of 1,000.\n")
    stock = score(find(rows, "DecodeCeilingBenchmark", "jacksonStockDecodeAndEvolve"))
    if stock and decode:
        out.append(f"Plain Jackson with stock jsr310 instant parsing (no `FastInstantModule`): {num(stock)} "
                   f"events/s ({pct(stock, decode)} of the ceiling above).\n")


def replay_ceiling(rows, store):
    """The better of the two plain-JDBC ways to read the stream (one select, or keyset pages)."""
    scores = [score(find(rows, "ReplayCeilingBenchmark", method, db=store))
              for method in ("jdbcSelectDecodeEvolve", "jdbcPagedSelectDecodeEvolve")]
    scores = [s for s in scores if s]
    return max(scores) if scores else None


def rate_of(rows, store, size, snap):
    r = find(rows, "ReplayBenchmark", "load", store=store, size=size, snapshots=snap)
    return int(size) / (score(r) / 1e6) if r else None


def appends(rows, out):
    out.append("### Batched appends (one append = one transaction, new stream each)\n")
    out.append("| database | event ids | events per append | Eventline events/s | plain JDBC batch events/s | "
               "% of JDBC | COPY events/s | % of COPY |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    # result files from before the ids parameter used random (version 4) ids
    kinds = sorted({dict(p).get("ids", "random") for (c, m, p) in rows if c == "AppendBatchBenchmark"},
                   key=lambda k: (k != "v7", k))
    for db in ["h2mem", "h2file", "postgres"]:
        for ids in kinds:
            want = {"ids": ids} if any("ids" in dict(p) for (c, m, p) in rows if c == "AppendBatchBenchmark") else {}
            copy = score(find(rows, "PgCopyBenchmark", "jdbcCopyBatch1000", **want))
            for size in ["10", "100", "1000"]:
                el = score(find(rows, "AppendBatchBenchmark", "eventlineBatch" + size, db=db, **want))
                jd = score(find(rows, "AppendBatchBenchmark", "jdbcBatch" + size, db=db, **want))
                if el is None and jd is None:
                    continue
                c = copy if db == "postgres" and size == "1000" else None
                out.append(f"| {db} | {ids} | {int(size):,} | {num(el)} | {num(jd)} | {pct(el, jd)} | {num(c)} | "
                           f"{pct(el, c)} |")
    out.append("")


def singles(rows, out):
    out.append("### Single-event appends (one event, one transaction; each thread its own stream)\n")
    out.append("| database | threads | Eventline appends/s | p50 (ms) | p99 (ms) | plain JDBC appends/s | "
               "JDBC p50 (ms) | JDBC p99 (ms) | % of JDBC |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for db in ["h2mem", "h2file", "postgres"]:
        for threads, suffix in [(1, "1Thread"), (8, "8Threads")]:
            el = find(rows, "SingleAppendBenchmark", "eventline" + suffix, db=db)
            jd = find(rows, "SingleAppendBenchmark", "jdbc" + suffix, db=db)
            if not el and not jd:
                continue
            out.append(f"| {db} | {threads} | {num(tput(el, threads))} | {ms(el, '50.0')} | {ms(el, '99.0')} | "
                       f"{num(tput(jd, threads))} | {ms(jd, '50.0')} | {ms(jd, '99.0')} | "
                       f"{pct(tput(el, threads), tput(jd, threads))} |")
    out.append("")
    out.append("Appends/s = threads / mean latency (sample-time mode).\n")


def tput(r, threads):
    if not r:
        return None
    return threads / (r["primaryMetric"]["score"] / 1e6)


def ms(r, percentile):
    if not r:
        return "–"
    return f"{r['primaryMetric']['scorePercentiles'][percentile] / 1000.0:.2f}"


def p99(r):
    return r["primaryMetric"]["scorePercentiles"]["99.0"] / 1000.0 if r else None


def hot(rows, out):
    out.append("### Hot stream (4 threads, one account, AggregateRepository.handle, retry on conflict)\n")
    out.append("| store | commands stored/s | conflicts/s |")
    out.append("|---|---:|---:|")
    for store in STORES:
        r = find(rows, "HotStreamBenchmark", "hotStreamCommand", store=store)
        if r:
            out.append(f"| {store} | {num(score(r))} | {num(secondary(r, 'conflicts'))} |")
    out.append("")


def read_all(rows, out):
    out.append("### readAll (global order, pages of 1,000, as a projection reads it)\n")
    out.append("| store | log size | Eventline events/s | plain JDBC events/s | % of JDBC |")
    out.append("|---|---:|---:|---:|---:|")
    for store in STORES:
        for (c, m, p), r in sorted(rows.items()):
            params = dict(p)
            if c == "ReadAllBenchmark" and params.get("store") == store:
                size = params.get("logSize")
                ceiling = score(find(rows, "ReadAllCeilingBenchmark", "jdbcReadAll", db=store, logSize=size))
                out.append(f"| {store} | {int(size):,} | {num(score(r))} | {num(ceiling)} | "
                           f"{pct(score(r), ceiling)} |")
    out.append("")


def projections(rows, out):
    found = [(dict(p), r) for (c, m, p), r in sorted(rows.items()) if c == "ProjectionCatchUpBenchmark"]
    if not found:
        return
    out.append("### Projection catch-up into a JDBC read model (checkpoint per batch of 500)\n")
    out.append("| database | handler | log size | Eventline catch-up (ms) | events/s | plain JDBC (ms) | events/s | "
               "% of JDBC |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for params, r in found:
        size = int(params["logSize"])
        el = score(r)
        extra = {"handler": params["handler"]} if "handler" in params else {}
        jd = score(find(rows, "ProjectionCatchUpCeilingBenchmark", "jdbcCatchUp", db=params["db"],
                        logSize=params["logSize"], **extra))
        el_rate = size / (el / 1000.0) if el else None
        jd_rate = size / (jd / 1000.0) if jd else None
        out.append(f"| {params['db']} | {params.get('handler', 'row')} | {size:,} | {num(el)} | {num(el_rate)} | "
                   f"{num(jd)} | {num(jd_rate)} | {pct(el_rate, jd_rate)} |")
    out.append("")
    out.append("row: one UPDATE per event (`handle`); bulk: one JDBC batch of UPDATEs per batch of events "
               "(`handleBatch`); the ceiling runs the same SQL with plain JDBC.\n")


def catch_up_rate(rows, handler):
    r = find(rows, "ProjectionCatchUpBenchmark", "eventlineCatchUp", db="postgres", handler=handler)
    if not r:
        return None
    return int(r["params"]["logSize"]) / (score(r) / 1000.0)


def minimal(rows, out):
    found = [(m, dict(p), r) for (c, m, p), r in sorted(rows.items()) if c == "MinimalTableCeilingBenchmark"]
    if not found:
        return
    out.append("### Reference ceiling: the same events into a minimal table (one key, no other index), PostgreSQL\n")
    out.append("| benchmark | payload column | events/s |")
    out.append("|---|---|---:|")
    for m, params, r in found:
        out.append(f"| {m} | {params.get('payload', '')} | {num(score(r))} |")
    out.append("")


def others(rows, out):
    found = [(c, m, dict(p), r) for (c, m, p), r in sorted(rows.items())
             if c in ("NotifyAppendBenchmark", "BranchReadBenchmark")]
    if not found:
        return
    out.append("### NOTIFY on append, and reads on a branch vs main\n")
    out.append("| benchmark | parameters | score | unit |")
    out.append("|---|---|---:|---|")
    for c, m, params, r in found:
        ps = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        out.append(f"| {c}.{m} | {ps} | {num(score(r), 1)} | {r['primaryMetric']['scoreUnit']} |")
    out.append("")


def targets(rows, out):
    out.append("### Targets (issue 9)\n")
    out.append("| target | figure | verdict |")
    out.append("|---|---:|---|")
    mem = rate_of(rows, "memory", "10000", "false")
    out.append(f"| replay from memory ≥ 5,000,000 events/s (10,000 events) | {num(mem)} | "
               f"{verdict(mem, 5_000_000)} |")
    pg = rate_of(rows, "postgres", "10000", "false")
    out.append(f"| replay of 10,000 events from PostgreSQL ≥ 250,000 events/s | {num(pg)} | "
               f"{verdict(pg, 250_000)} |")
    for h2 in ["h2mem", "h2file"]:
        v = rate_of(rows, h2, "10000", "false")
        out.append(f"| replay of 10,000 events from H2 ({h2}) ≥ 600,000 events/s | {num(v)} | "
                   f"{verdict(v, 600_000)} |")
    snap_big = find(rows, "ReplayBenchmark", "load", store="memory", size="100000", snapshots="true")
    for store in STORES:
        big = find(rows, "ReplayBenchmark", "load", store=store, size="100000", snapshots="true")
        small = find(rows, "ReplayBenchmark", "load", store=store, size="100", snapshots="false")
        if big and small:
            out.append(f"| {store}: 100,000 events with snapshots load in about the time of 100 events | "
                       f"{num(score(big), 1)} µs vs {num(score(small), 1)} µs | "
                       f"{verdict(score(big), 2.0 * score(small), higher_is_better=False)} (within 2×) |")
    ra = score(find(rows, "ReadAllBenchmark", "eventlineReadAll", store="postgres"))
    out.append(f"| readAll from PostgreSQL ≥ 500,000 events/s | {num(ra)} | {verdict(ra, 500_000)} |")
    v7 = {"ids": "v7"} if any("ids" in dict(p) for (c, m, p) in rows if c == "AppendBatchBenchmark") else {}
    b = score(find(rows, "AppendBatchBenchmark", "eventlineBatch1000", db="postgres", **v7))
    copy = score(find(rows, "PgCopyBenchmark", "jdbcCopyBatch1000", **v7))
    out.append(f"| batched appends to PostgreSQL ≥ 100,000 events/s | {num(b)} | {verdict(b, 100_000)} |")
    out.append(f"| batched appends to PostgreSQL ≥ 80% of COPY | {pct(b, copy)} | "
               f"{verdict(b, 0.8 * copy) if b and copy else 'not run'} |")
    for h2 in ["h2mem", "h2file"]:
        v = score(find(rows, "AppendBatchBenchmark", "eventlineBatch1000", db=h2, **v7))
        out.append(f"| batched appends to H2 ({h2}) ≥ 50,000 events/s | {num(v)} | {verdict(v, 50_000)} |")
    s1 = find(rows, "SingleAppendBenchmark", "eventline1Thread", db="postgres")
    out.append(f"| single appends on PostgreSQL ≥ 4,000/s on 1 thread (issue 3) | {num(tput(s1, 1))} | "
               f"{verdict(tput(s1, 1), 4_000)} |")
    s8 = find(rows, "SingleAppendBenchmark", "eventline8Threads", db="postgres")
    out.append(f"| single appends on PostgreSQL ≥ 10,000/s at 8 threads | {num(tput(s8, 8))} | "
               f"{verdict(tput(s8, 8), 10_000)} |")
    out.append(f"| … with p99 under 2 ms | {num(p99(s8), 2) if s8 else '–'} ms | "
               f"{verdict(p99(s8), 2.0, higher_is_better=False)} |")
    for handler in ["row", "bulk"]:
        v = catch_up_rate(rows, handler)
        if v is not None:
            out.append(f"| projection catch-up on PostgreSQL ≥ 50,000 events/s (issue 5; {handler}) | {num(v)} | "
                       f"{verdict(v, 50_000)} |")
    out.append("")


def main():
    results = load(sys.argv[1])
    rows = index(results)
    out = []
    if results:
        first = results[0]
        out.append(f"JDK: {first.get('vmName')} {first.get('jdkVersion')} ({first.get('vmVersion')}); "
                   f"JMH {first.get('jmhVersion')}\n")
    targets(rows, out)
    replay(rows, out)
    appends(rows, out)
    singles(rows, out)
    hot(rows, out)
    read_all(rows, out)
    projections(rows, out)
    minimal(rows, out)
    others(rows, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
