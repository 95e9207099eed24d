#!/usr/bin/env python3
"""LUMIT load benchmark: the case list, name search, case detail with timeline and new timeline
entries, measured with wrk against the release server, and the list query measured directly
against PostgreSQL with pgbench, so the API's cost reads as a ratio.

    python3 bench/bench.py                        # PostgreSQL, 1M cases, then SQLite, 100k
    python3 bench/bench.py --db postgres --duration 30
    python3 bench/bench.py --db sqlite --reseed

Needs wrk (Debian package `wrk`, installed here when missing) and a PostgreSQL on
127.0.0.1:5432 (user postgres, trust auth). The data is kept between runs (`--reseed` loads it
again); figures and EXPLAIN plans go to stdout.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lumit")
WORK = os.path.join(tempfile.gettempdir(), "lumit-bench")
PORT = 18089
BASE = f"http://127.0.0.1:{PORT}"
ADMIN_PASSWORD = "bench-admin-password-2026"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "lumit_bench"
# The operator measured: three desks of the Unione della Garfagnana.
OPERATOR_MUNICIPALITIES = ["Gallicano", "Castelnuovo di Garfagnana", "Pieve Fosciana"]
OPEN_STATUSES = "open,in_progress"
SIZES = {"postgres": (300_000, 1_000_000), "sqlite": (30_000, 100_000)}


def run(cmd, env=None, capture=False, check=True):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, env=env, check=check, text=True,
                       stdout=subprocess.PIPE if capture else None)
    return r.stdout if capture else None


def psql(sql, db=PG_DB):
    return run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-XAtq",
                "-v", "ON_ERROR_STOP=1", "-c", sql], capture=True)


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else None)


def login(username, password):
    status, body = call("POST", "/api/v1/auth/login",
                        body={"username": username, "password": password})
    assert status == 200, (status, body)
    return body


def env_for(db_url):
    env = dict(os.environ)
    # A data directory per database: the audit chain's checkpoint in it belongs to one log.
    kind = "postgres" if db_url.startswith("postgres") else "sqlite"
    env.update({
        "LUMIT_DATABASE_URL": db_url,
        "LUMIT_BIND": f"127.0.0.1:{PORT}",
        "LUMIT_DATA_DIR": os.path.join(WORK, f"data-{kind}"),
        "LUMIT_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "LUMIT_LOG": "warn",
        # The benchmark's admin logs in with a password alone.
        "LUMIT_TOTP_REQUIRED_ROLES": "none",
        "LUMIT_JWT_SECRET": "bench-secret-bench-secret-bench-secret-0123",
    })
    return env


def prepare(db, reseed):
    """Creates and seeds the database unless it already holds the data; returns its URL."""
    people, cases = SIZES[db]
    if db == "postgres":
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'", db="postgres")
        if reseed or not exists.strip():
            psql(f"DROP DATABASE IF EXISTS {PG_DB}", db="postgres")
            psql(f"CREATE DATABASE {PG_DB}", db="postgres")
            fresh = True
        else:
            fresh = psql("SELECT count(*) FROM cases").strip() != str(cases)
    else:
        path = os.path.join(WORK, "bench.db")
        url = f"sqlite://{path}"
        fresh = reseed or not os.path.exists(path)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
    env = env_for(url)
    if fresh:
        # The audit chain's checkpoint belongs to the database it was written for.
        head = os.path.join(env["LUMIT_DATA_DIR"], "audit-head.json")
        if os.path.exists(head):
            os.remove(head)
        # The first start loads the municipalities; `seed` then needs them.
        server = start(env)
        server.terminate()
        server.wait()
        started = time.monotonic()
        run([BIN, "seed", "--people", str(people), "--cases", str(cases)], env=env)
        took = time.monotonic() - started
        print(f"SEED {db}: {people} people + {cases} cases in {took:.0f} s", flush=True)
        if db == "postgres":
            psql("VACUUM ANALYZE")
    return url, env


def start(env):
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with urllib.request.urlopen(BASE + "/readyz", timeout=1) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if server.poll() is not None:
            sys.exit("the server stopped during start-up")
        time.sleep(0.5)
    sys.exit("the server did not start")


def operator_token(admin):
    """An operator of three municipalities, created once."""
    _, munis = call("GET", "/api/v1/municipalities?limit=200", admin)
    ids = [m["id"] for m in munis["items"] if m["name"] in OPERATOR_MUNICIPALITIES]
    assert len(ids) == len(OPERATOR_MUNICIPALITIES), munis
    password = "bench-operator-password-2026"
    status, body = call("POST", "/api/v1/users", admin, {
        "username": "bench.operator", "full_name": "Operatrice Benchmark",
        "role": "operator", "municipality_ids": ids, "password": password + "-tmp"})
    assert status in (201, 409), (status, body)
    # A run stopped half-way may have left the temporary password in place.
    st, pair = call("POST", "/api/v1/auth/login",
                    body={"username": "bench.operator", "password": password + "-tmp"})
    if st == 200 and pair["user"]["must_change_password"]:
        status, body = call("PUT", "/api/v1/me/password", pair["access_token"], {
            "current_password": password + "-tmp", "new_password": password})
        assert status in (200, 204), (status, body)
    return login("bench.operator", password)["access_token"], ids


def admin_token():
    pair = login("admin", ADMIN_PASSWORD)
    if pair["user"].get("must_change_password"):
        # Only a generated password must be changed; the bench sets its own.
        sys.exit("the admin must change the password: remove the bench data folder")
    return pair["access_token"]


WRK_LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local body = os.getenv("BENCH_BODY")
local i = 0
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept"] = "application/json"
if body then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i % #paths) + 1])
end
"""


def cpu_seconds(pids):
    """CPU time (user + system) the processes have used so far, by pid."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return used


def postgres_pids():
    out = subprocess.run(["ps", "-eo", "pid=,comm="], text=True, capture_output=True).stdout
    return [int(pid) for pid, comm in (line.split(None, 1) for line in out.splitlines())
            if comm.strip() == "postgres"]


def cpu_spent(before, after):
    return sum(after[pid] - before[pid] for pid in after if pid in before)


def wrk(name, token, paths, duration, connections=32, body=None, warm=True, server=None):
    """Runs wrk over the paths (round robin); returns req/s, the latency percentiles and, given
    the server's pid, the CPU time a request cost the server and PostgreSQL: a steadier measure
    than requests a second on a shared machine, to compare two versions of the code."""
    lua = os.path.join(WORK, "round_robin.lua")
    with open(lua, "w") as f:
        f.write(WRK_LUA)
    listing = os.path.join(WORK, f"{name}.paths")
    with open(listing, "w") as f:
        f.write("\n".join(paths) + "\n")
    env = dict(os.environ, BENCH_PATHS=listing, BENCH_TOKEN=token)
    if body is not None:
        env["BENCH_BODY"] = json.dumps(body)
    print(f"$ wrk -t2 -c{connections} -d{duration}s --latency ({name})", file=sys.stderr,
          flush=True)
    # Warm the caches first (a freshly loaded database reads from disk), then measure.
    if warm:
        subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", "-d5s", "-s", lua, BASE], env=env,
                       capture_output=True, check=True)
    watched = ([server] if server else []) + postgres_pids()
    before = cpu_seconds(watched)
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "-s", lua, BASE], env=env, text=True, capture_output=True,
                         check=True).stdout
    after = cpu_seconds(watched)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        print(out, file=sys.stderr)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
    done = int(re.search(r"(\d+) requests in", out).group(1))
    r = {"name": name, "rps": rps, "p50": pct["50"], "p90": pct["90"], "p99": pct["99"],
         "errors": int(bad.group(1)) if bad else 0, "api_ms": None, "pg_ms": None}
    if server and done:
        r["api_ms"] = 1000 * (after.get(server, 0) - before.get(server, 0)) / done
        pg = {pid: t for pid, t in after.items() if pid != server}
        r["pg_ms"] = 1000 * cpu_spent(before, pg) / done
    print(f"  {name}: {rps:.0f} req/s, p99 {r['p99']:.2f} ms, errors {r['errors']}",
          file=sys.stderr, flush=True)
    return r


def to_ms(v):
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    return float(m.group(1)) * units[m.group(2)]


def range_sql(municipality_id, status, cursor=None):
    """One index range of the operator's list: a municipality's cases in one status."""
    after = ""
    if cursor:
        at, cid = cursor
        after = f" AND (cases.opened_at, cases.id) < ('{at}', '{cid}')"
    return ("SELECT cases.* FROM cases"
            f" WHERE cases.municipality_id = '{municipality_id}' AND cases.status = '{status}'"
            f"{after} ORDER BY cases.opened_at DESC, cases.id DESC LIMIT 51")


def page_sql(municipality_ids, cursor=None):
    """The statement the API runs for a page of the operator's list: one range per
    (municipality, status), merged, with the person's name."""
    parts = [f"SELECT * FROM ({range_sql(m, s, cursor)}) AS k{i}"
             for i, (m, s) in enumerate((m, s) for m in municipality_ids
                                        for s in OPEN_STATUSES.split(","))]
    return ("SELECT u.*, people.first_name, people.last_name FROM ("
            + " UNION ALL ".join(parts)
            + ") AS u INNER JOIN people ON people.id = u.person_id"
              " ORDER BY u.opened_at DESC, u.id DESC LIMIT 51")


def search_sql(municipality_ids, words):
    """The name search as the operator: the range of the word index of the longest word, the
    other words checked in its entries, cut to the page in name order, then the people."""
    scope = ",".join(f"'{m}'" for m in municipality_ids)
    longest = max(words, key=len)
    others = list(words)
    others.remove(longest)
    checks = "".join(f" AND search_text LIKE '% {w}%'" for w in others)
    hits = (f"SELECT DISTINCT last_name, person_id FROM person_words WHERE word >= '{longest}'"
            f" AND word < '{longest[:-1] + chr(ord(longest[-1]) + 1)}'{checks}"
            f" AND municipality_id IN ({scope})")
    return ("SELECT people.* FROM people WHERE people.merged_into_id IS NULL"
            f" AND people.id IN (SELECT h.person_id FROM ({hits}) AS h"
            " ORDER BY h.last_name, h.person_id LIMIT 51)"
            " ORDER BY people.last_name || '', people.id LIMIT 51")


def pgbench(name, municipality_ids, duration, cursor=None):
    """The statement the API runs for a page, run by pgbench (prepared, 32 clients)."""
    script = os.path.join(WORK, f"{name}.sql")
    with open(script, "w") as f:
        f.write(page_sql(municipality_ids, cursor) + ";\n")
    out = run(["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared",
               "-c", "32", "-j", "2", "-T", str(duration), "-f", script, PG_DB], capture=True)
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    return {"name": name, "rps": tps, "avg": lat}


def explain(sql):
    return psql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)


def bench(db, duration, reseed, only=None):
    os.makedirs(WORK, exist_ok=True)
    url, env = prepare(db, reseed)
    server = start(env)
    try:
        admin = admin_token()
        op, op_munis = operator_token(admin)
        first = f"/api/v1/cases?status={OPEN_STATUSES}&limit=50"
        # A deep page: follow the cursor 20 pages down (or as far as the data goes).
        path, cursor_case, depth = first, None, 1
        for _ in range(20):
            status, page = call("GET", path, op)
            assert status == 200, (status, page)
            if not page["next_cursor"]:
                break
            path = first + "&cursor=" + page["next_cursor"]
            cursor_case = page["items"][-1]
            deep_ids = [c["id"] for c in page["items"]]
            depth += 1
        assert depth > 2, "too few open cases for a deep page"
        deep = path
        _, page = call("GET", first, op)
        case_ids = [c["id"] for c in page["items"]]
        # Timelines of ten entries on the cases read.
        _, existing = call("GET", f"/api/v1/cases/{case_ids[0]}/events", op)
        if len(existing.get("items", existing) if isinstance(existing, dict) else existing) < 10:
            for cid in case_ids:
                for k in range(10):
                    status, body = call("POST", f"/api/v1/cases/{cid}/events", op, {
                        "kind": "intervention", "note": f"Colloquio {k + 1}", "minutes": 20})
                    assert status == 201, (status, body)
        # (name, paths, body): what a desk does most.
        scenarios = [
            ("list, first page", [first], None),
            (f"list, page {depth}", [deep], None),
            # What a desk types to find someone: a first and a last name, in either order
            # and any spelling; then the worst case, one very common first name alone.
            ("search people by name", [f"/api/v1/people?q={q}" for q in
                                       ("mohamed%20chakir", "popescu%20ioana", "arben%20hoxha",
                                        "wei%20chen", "fatima%20benali", "olena%20melnyk",
                                        "jose%20santos", "singh%20harpreet")], None),
            ("search people, 1 common name", ["/api/v1/people?q=mohamed"], None),
            # Free text on cases as a desk types it: a reference's digits, a surname (few
            # matches); then a word of a third of the summaries (many).
            ("search cases, few matches", [f"/api/v1/cases?q={q}" for q in
                                           [c["reference"][-6:] for c in page["items"][:6]]
                                           + ["chakir", "hoxha"]], None),
            ("search cases, many matches", ["/api/v1/cases?q=renewal"], None),
            ("case detail + timeline", [p for cid in case_ids for p in
                                        (f"/api/v1/cases/{cid}", f"/api/v1/cases/{cid}/events")],
             None),
            # On other cases than those read above: the timelines read stay ten entries long
            # however often the benchmark runs.
            ("create event", [f"/api/v1/cases/{cid}/events" for cid in deep_ids],
             {"kind": "note", "note": "Telefonata di verifica"}),
        ]
        if only:
            scenarios = [s for s in scenarios if any(o in s[0] for o in only)]
        results = [wrk(name, op, paths, duration, body=body, server=server.pid)
                   for name, paths, body in scenarios]
        # One connection alone: the time a request takes when it does not queue.
        alone = [wrk(name + " (1 connection)", op, paths, min(duration, 10), connections=1,
                     body=body, warm=False) for name, paths, body in scenarios]
        print(f"\n## {db}: {SIZES[db][1]} cases, 32 connections, {duration} s each\n")
        print("| request | req/s | p50 ms | p90 ms | p99 ms | errors | alone: p50 / p99 ms |"
              " CPU ms per request: API / PostgreSQL |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r, a in zip(results, alone):
            pg = f"{r['pg_ms']:.2f}" if db == "postgres" else "—"
            print(f"| {r['name']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p90']:.2f} |"
                  f" {r['p99']:.2f} | {r['errors']} | {a['p50']:.2f} / {a['p99']:.2f} |"
                  f" {r['api_ms']:.2f} / {pg} |")
        if db == "postgres" and not only:
            at = cursor_case["opened_at"].replace("T", " ").rstrip("Z")
            raw = [pgbench("pgbench list first", op_munis, duration),
                   pgbench("pgbench list deep", op_munis, duration,
                           (at, cursor_case["id"]))]
            print("\n| same query in pgbench | pages/s | avg ms | API / pgbench |")
            print("|---|---:|---:|---:|")
            for r, api in zip(raw, results[:2]):
                print(f"| {r['name']} | {r['rps']:.0f} | {r['avg']:.2f} |"
                      f" {100 * api['rps'] / r['rps']:.0f} % |")
            print("\n### EXPLAIN: a page of the operator's list (first page)\n")
            print("```\n" + explain(page_sql(op_munis)) + "```")
            print("\n### EXPLAIN: the same list 20 pages down\n")
            print("```\n" + explain(page_sql(op_munis, (at, cursor_case["id"]))) + "```")
            print("\n### EXPLAIN: name search as the operator (\"mohamed chakir\")\n")
            print("```\n" + explain(search_sql(op_munis, ["moamed", "cacir"])) + "```")
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    ap.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    ap.add_argument("--reseed", action="store_true", help="load the data again")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--bin", help="measure this server binary instead (implies --no-build), "
                    "to compare two builds")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="measure only the requests whose name holds NAME (repeatable), "
                    "without pgbench and EXPLAIN")
    args = ap.parse_args()
    if args.bin:
        global BIN
        BIN = os.path.abspath(args.bin)
        args.no_build = True
    if not shutil.which("wrk"):
        run(["apt-get", "install", "-y", "wrk"])
    if not args.no_build:
        run(["cargo", "build", "--release", "-p", "lumit-api"], env=dict(os.environ),
            check=True)
    print(f"machine: {os.cpu_count()} cores, {platform_line()}")
    for db in (["postgres", "sqlite"] if args.db == "both" else [args.db]):
        bench(db, args.duration, args.reseed, args.only)


def platform_line():
    try:
        with open("/proc/cpuinfo") as f:
            model = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        model = "unknown CPU"
    return model


if __name__ == "__main__":
    main()
