#!/usr/bin/env python3
"""LUMIT soak benchmark: minutes of mixed reads and writes against the release server.
Every failed request is counted and the server's resident memory watched, to show that a long
busy stretch neither fails requests nor grows the process.

    python3 bench/soak.py                          # PostgreSQL, then SQLite, 10 minutes each
    python3 bench/soak.py --db sqlite --duration 30 --no-build
    python3 bench/soak.py --db postgres --bin /tmp/lumit-old

The data are bench.py's (loaded by its prepare() on first use, `--reseed` loads them again).
The mix, drawn at random by each connection: 50 % case-list pages (the first 20 pages of an
operator's open cases), 15 % name searches, 20 % a case's detail then its timeline, 15 % a new
timeline note. The notes go to other cases than the timelines read, so the reads do not grow
during the run; they stay in the data (bench.py's "create event" adds notes the same way).

The load comes from this process: one thread per connection, each holding one keep-alive
connection, closed loop (a request as soon as the previous answer came). Latencies are taken
here, so they include this process's own waits; its CPU share is printed to judge that. Only
127.0.0.1 is spoken to. The run ends by itself after the warm-up and --duration, and the server
is stopped. Figures go to stdout, ending with a table to paste into the performance notes.
"""
import argparse
import http.client
import json
import math
import os
import random
import sys
import threading
import time
from array import array
from collections import Counter

import bench

PROGRESS_EVERY = 60
# Access tokens live 15 minutes (ACCESS_TTL_SECS): sign in again well before.
TOKEN_REFRESH_EVERY = 12 * 60
# Memory is called flat when the end is within this of the value after the warm-up.
FLAT_SHARE, FLAT_MIB = 0.10, 8.0
# What a desk types to find someone (bench.py's names), and one very common first name alone.
SEARCHES = ["mohamed%20chakir", "popescu%20ioana", "arben%20hoxha", "wei%20chen",
            "fatima%20benali", "olena%20melnyk", "jose%20santos", "singh%20harpreet", "mohamed"]
NOTE = json.dumps({"kind": "note", "note": "Telefonata di verifica"}).encode()
KINDS = ["list page", "name search", "case detail", "case timeline", "add note"]


class Control:
    """What the main thread tells the connections: the token, and when to count and stop."""

    def __init__(self, token, measure_from, stop_at):
        self.token = token
        self.measure_from = measure_from
        self.stop_at = stop_at


class Plan:
    """The paths of the mix; pick() draws one operation: (kind, method, path, body) requests."""

    def __init__(self, list_paths, read_ids, write_ids):
        self.list_paths = list_paths
        self.read_ids = read_ids
        self.write_ids = write_ids

    def pick(self, rng):
        x = rng.randrange(100)
        if x < 50:
            return [("list page", "GET", rng.choice(self.list_paths), None)]
        if x < 65:
            return [("name search", "GET", "/api/v1/people?q=" + rng.choice(SEARCHES), None)]
        if x < 85:
            case = "/api/v1/cases/" + rng.choice(self.read_ids)
            return [("case detail", "GET", case, None),
                    ("case timeline", "GET", case + "/events", None)]
        return [("add note", "POST", f"/api/v1/cases/{rng.choice(self.write_ids)}/events", NOTE)]


class Connection(threading.Thread):
    """One keep-alive connection sending the mix until the run stops; keeps, for the requests
    started in the measured stretch, their latencies (ms) by kind and the failures by
    (kind, status or connection error)."""

    def __init__(self, n, plan, control):
        super().__init__(daemon=True)
        self.rng = random.Random(n)
        self.plan = plan
        self.control = control
        self.latencies = {kind: array("d") for kind in KINDS}
        self.errors = Counter()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", bench.PORT, timeout=30)
        while time.perf_counter() < self.control.stop_at:
            for kind, method, path, body in self.plan.pick(self.rng):
                if time.perf_counter() >= self.control.stop_at:
                    break
                if not self.request(conn, kind, method, path, body):
                    # A refused connection fails at once: do not spin on it.
                    time.sleep(0.1)
                    break
        conn.close()

    def request(self, conn, kind, method, path, body):
        headers = {"Authorization": "Bearer " + self.control.token,
                   "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as e:
            conn.close()  # the next request opens a new one
            status = "connection: " + type(e).__name__
        took = time.perf_counter() - started
        if started >= self.control.measure_from:
            if isinstance(status, int):
                self.latencies[kind].append(1000 * took)
            if not (isinstance(status, int) and 200 <= status < 300):
                self.errors[(kind, status)] += 1
        return isinstance(status, int)


def rss_mib(pid):
    """The process's resident memory (VmRSS), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def percentile(ordered, p):
    """Nearest-rank percentile of a sorted sequence (NaN when empty)."""
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def machine_line():
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 1024 / 1024
    return f"machine: {os.cpu_count()} cores, {bench.platform_line()}, {ram:.1f} GiB RAM"


def mix_paths(token):
    """The first 20 pages of the operator's open cases: the list paths, the cases of page 1
    (whose detail and timeline are read) and those of the other pages (which get the notes)."""
    first = f"/api/v1/cases?status={bench.OPEN_STATUSES}&limit=50"
    list_paths, pages, path = [], [], first
    for _ in range(20):
        status, page = bench.call("GET", path, token)
        assert status == 200, (status, page)
        list_paths.append(path)
        pages.append([c["id"] for c in page["items"]])
        if not page["next_cursor"]:
            break
        path = first + "&cursor=" + page["next_cursor"]
    assert len(pages) > 1, "too few open cases: the notes need other cases than those read"
    return Plan(list_paths, pages[0], [cid for ids in pages[1:] for cid in ids])


def soak(db, duration, warmup, connections, reseed):
    os.makedirs(bench.WORK, exist_ok=True)
    _, env = bench.prepare(db, reseed)
    server = bench.start(env)
    try:
        token, _ = bench.operator_token(bench.admin_token())
        signed_in = time.monotonic()
        plan = mix_paths(token)
        now = time.perf_counter()
        control = Control(token, now + warmup, now + warmup + duration)
        threads = [Connection(n, plan, control) for n in range(connections)]
        for t in threads:
            t.start()
        print(f"\n[{db}] {connections} connections, warm-up {warmup} s, then {duration} s",
              flush=True)
        time.sleep(max(0.0, control.measure_from - time.perf_counter()))
        if server.poll() is not None:
            sys.exit(f"the server stopped during the warm-up (exit {server.returncode})")
        rss_start = rss_mib(server.pid)
        rss_peak = rss_start
        watched = [server.pid] + (bench.postgres_pids() if db == "postgres" else [])
        cpu_before, own_before = bench.cpu_seconds(watched), time.process_time()
        print(f"[{db}] 0:00  RSS {rss_start:.1f} MiB after warm-up", flush=True)
        # Progress each minute: the requests since the last line, their p99, the memory.
        seen = {(i, kind): 0 for i in range(len(threads)) for kind in KINDS}
        tick = control.measure_from
        while True:
            tick = min(tick + PROGRESS_EVERY, control.stop_at)
            time.sleep(max(0.0, tick - time.perf_counter()))
            if server.poll() is not None:
                print(f"[{db}] the server stopped (exit {server.returncode})", flush=True)
                control.stop_at = time.perf_counter()
                break
            if tick >= control.stop_at:
                break
            if time.monotonic() - signed_in > TOKEN_REFRESH_EVERY:
                control.token, _ = bench.operator_token(bench.admin_token())
                signed_in = time.monotonic()
            recent = []
            for i, t in enumerate(threads):
                for kind in KINDS:
                    lat = t.latencies[kind]
                    end = len(lat)
                    recent.extend(lat[seen[(i, kind)]:end])
                    seen[(i, kind)] = end
            recent.sort()
            rss = rss_mib(server.pid)
            rss_peak = max(rss_peak, rss)
            elapsed = tick - control.measure_from
            errors = sum(sum(t.errors.values()) for t in threads)
            print(f"[{db}] {int(elapsed) // 60}:{int(elapsed) % 60:02d}"
                  f"  {len(recent) / PROGRESS_EVERY:.0f} req/s"
                  f"  p99 {percentile(recent, 99):.1f} ms  errors so far {errors}"
                  f"  RSS {rss:.1f} MiB", flush=True)
        for t in threads:
            t.join(timeout=35)
        measured = control.stop_at - control.measure_from
        cpu_after, own_after = bench.cpu_seconds(watched), time.process_time()
        rss_end = rss_mib(server.pid) if server.poll() is None else math.nan
        rss_peak = max(rss_peak, rss_end)
    finally:
        server.terminate()
        server.wait()
    cpu = {"load generator": own_after - own_before,
           "server": bench.cpu_spent(
               cpu_before, {pid: s for pid, s in cpu_after.items() if pid == server.pid})}
    if db == "postgres":
        cpu["PostgreSQL"] = bench.cpu_spent(
            cpu_before, {pid: s for pid, s in cpu_after.items() if pid != server.pid})
    return report(db, threads, measured, warmup, connections, rss_start, rss_end, rss_peak, cpu)


def report(db, threads, measured, warmup, connections, rss_start, rss_end, rss_peak, cpu):
    """Prints the database's figures; returns its row of the final table."""
    errors = Counter()
    for t in threads:
        errors.update(t.errors)
    by_kind = {kind: sorted(x for t in threads for x in t.latencies[kind]) for kind in KINDS}
    every = sorted(x for lat in by_kind.values() for x in lat)
    requests = len(every) + sum(n for (_, status), n in errors.items() if isinstance(status, str))
    cases = bench.SIZES[db][1]
    print(f"\n## {db}: soak of {measured:.0f} s, {connections} connections, mixed reads and"
          f" writes (bench.py's data, {cases} cases; after {warmup} s of warm-up)\n")
    print("| request | count | errors | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, lat in list(by_kind.items()) + [("all", every)]:
        failed = sum(n for (kind, _), n in errors.items() if name in (kind, "all"))
        count = len(lat) + sum(n for (kind, status), n in errors.items()
                               if name in (kind, "all") and isinstance(status, str))
        print(f"| {name} | {count} | {failed} | {percentile(lat, 50):.2f} |"
              f" {percentile(lat, 99):.2f} | {lat[-1] if lat else math.nan:.2f} |")
    print("\nerrors: " + (", ".join(f"{kind} {status} × {n}"
                                     for (kind, status), n in sorted(errors.items(), key=str))
                          or "none"))
    shares = ", ".join(f"{name} {100 * s / measured:.0f} %" for name, s in cpu.items())
    print(f"CPU, share of one core: {shares}")
    grew = rss_end - rss_start
    if math.isnan(rss_end):
        verdict = "the server stopped during the run"
    elif grew <= max(FLAT_SHARE * rss_start, FLAT_MIB):
        verdict = "memory flat"
    else:
        verdict = f"memory grew by {grew:.1f} MiB ({100 * grew / rss_start:.0f} %)"
    print(f"server RSS: {rss_start:.1f} MiB after warm-up, {rss_end:.1f} MiB at the end"
          f" (peak {rss_peak:.1f}): {verdict}")
    duration = f"{measured / 60:.0f} min" if measured >= 120 else f"{measured:.0f} s"
    return (f"| {db} | {duration} | {connections} | {requests} | {requests / measured:.0f} |"
            f" {sum(errors.values())} | {percentile(every, 99):.2f} | {rss_start:.1f} |"
            f" {rss_end:.1f} |", f"{db}: {verdict}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    ap.add_argument("--duration", type=int, default=600,
                    help="seconds measured per database (default 600)")
    ap.add_argument("--warmup", type=int,
                    help="seconds of load before measuring (default 30, or a quarter of"
                         " --duration when shorter)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--reseed", action="store_true", help="load the data again")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--bin", help="run this server binary instead (implies --no-build)")
    args = ap.parse_args()
    warmup = args.warmup if args.warmup is not None else min(30, max(1, args.duration // 4))
    if args.bin:
        bench.BIN = os.path.abspath(args.bin)
        args.no_build = True
    if not args.no_build:
        bench.run(["cargo", "build", "--release", "-p", "lumit-api"], env=dict(os.environ))
    if not os.path.exists(bench.BIN):
        sys.exit(f"no server binary at {bench.BIN}")
    rows = [soak(db, args.duration, warmup, args.connections, args.reseed)
            for db in (["postgres", "sqlite"] if args.db == "both" else [args.db])]
    print("\n" + machine_line() + "\n")
    print("| database | duration | connections | requests | req/s | errors | p99 ms |"
          " RSS start MiB | RSS end MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row, _ in rows:
        print(row)
    print()
    for _, verdict in rows:
        print(verdict)


if __name__ == "__main__":
    main()
