#!/usr/bin/env python3
"""LUMIT reports benchmark: the province-wide indicator report for one year and the
coordinator's dashboard, each timed over several runs, and an export of every case streamed as
CSV and as XLSX with the server's resident memory sampled while it runs (it must stay flat).

    python3 bench/reports.py                    # PostgreSQL (1M cases), then SQLite (100k)
    python3 bench/reports.py --db sqlite --runs 5
    python3 bench/reports.py --no-build --skip-export

It uses bench.py's data sets and server set-up (the data is kept between runs). Figures go to
stdout as the table in docs/PERFORMANCE.md.
"""
import argparse
import datetime
import os
import statistics
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def timed(path, token, runs):
    """Milliseconds of each run of a GET, the first (cold) one included."""
    out = []
    for _ in range(runs):
        started = time.monotonic()
        status, _ = bench.call("GET", path, token)
        assert status == 200, (path, status)
        out.append((time.monotonic() - started) * 1000)
    return out


def export(path, token, pid):
    """Streams a download; returns (seconds, bytes, RSS before, peak and after in MiB)."""
    before = rss_kib(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    req = urllib.request.Request(bench.BASE + path, headers={"authorization": f"Bearer {token}"})
    size = 0
    with urllib.request.urlopen(req, timeout=3600) as res:
        while True:
            chunk = res.read(1 << 16)
            if not chunk:
                break
            size += len(chunk)
    took = time.monotonic() - started
    done.set()
    sampler.join()
    after = rss_kib(pid)
    return took, size, before / 1024, peak[0] / 1024, after / 1024


def run(db, runs, skip_export):
    os.makedirs(bench.WORK, exist_ok=True)
    _, env = bench.prepare(db, False)
    server = bench.start(env)
    try:
        admin = bench.admin_token()
        year = datetime.date.today().year - 1
        report = f"/api/v1/reports/indicators?from={year}-01-01&to={year}-12-31"
        board = f"/api/v1/dashboard?from={year}-01-01&to={year}-12-31"
        rows = [("indicator report, province, one year", timed(report, admin, runs)),
                ("dashboard, province, one year", timed(board, admin, runs))]
        print(f"\n## {db}: {bench.SIZES[db][1]} cases, {runs} runs each, one at a time\n")
        print("| request | first ms | median ms | best ms |")
        print("|---|---:|---:|---:|")
        for name, ms in rows:
            print(f"| {name} | {ms[0]:.0f} | {statistics.median(ms):.0f} | {min(ms):.0f} |")
        if skip_export:
            return
        # At most the SQLite set's 100,000 cases: a year of the province on PostgreSQL.
        limit = "" if db == "sqlite" else f"&opened_from={year}-01-01T00:00:00Z&opened_to={year}-07-01T00:00:00Z"
        print("\n| export | rows | seconds | MiB sent | server RSS MiB: before / peak / after |")
        print("|---|---:|---:|---:|---:|")
        for fmt in ("csv", "xlsx"):
            took, size, before, peak, after = export(f"/api/v1/cases?format={fmt}{limit}", admin, server.pid)
            count = ""
            if fmt == "csv":
                status, page = bench.call("GET", f"/api/v1/cases?count=true&limit=1{limit}", admin)
                count = f"{page.get('total', '?')}{'+' if page.get('total_is_at_least') else ''}"
            print(f"| cases as {fmt.upper()} | {count} | {took:.1f} | {size / 2**20:.1f} |"
                  f" {before:.0f} / {peak:.0f} / {after:.0f} |")
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--skip-export", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        bench.run(["cargo", "build", "--release", "-p", "lumit-api"], env=dict(os.environ))
    print(f"machine: {os.cpu_count()} cores, {bench.platform_line()}")
    for db in (["postgres", "sqlite"] if args.db == "both" else [args.db]):
        run(db, args.runs, args.skip_export)


if __name__ == "__main__":
    main()
