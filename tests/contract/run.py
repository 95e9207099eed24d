#!/usr/bin/env python3
"""The contract test: does the served OpenAPI document tell the truth about the server?

For each database (SQLite, then PostgreSQL) it starts `lumit serve` on a fresh database and:
1. validates the served document with openapi-spec-validator (OpenAPI 3.1), checks that every
   example in it validates against its schema, and that it equals the committed
   `openapi/openapi.json`;
2. generates a Python client from the document with openapi-python-client, and uses it to log in
   and list cases (`generated_client.py`);
3. runs schemathesis with every check and every phase (examples, coverage, fuzzing, stateful),
   as configured in `schemathesis.toml`, once as the admin and once as a partner's API client with
   every scope (`hooks.py` signs them in); when it fails, prints what failed (`failures.py`).
Any failure fails the run.

    python3 tests/contract/run.py                       # both databases, target/debug/lumit
    python3 tests/contract/run.py --db sqlite --examples 20

The tools come from PyPI at the versions pinned in requirements.txt, in a virtual environment
made here on first use (target/contract-venv).
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import failures

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, "target", "contract-venv")
ADMIN_PASSWORD = "contract-admin-password-2026"
PG_ADMIN = os.environ.get("LUMIT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def venv_bin(name):
    return os.path.join(VENV, "bin", name)


def ensure_venv():
    """Creates the virtual environment and installs the pinned tools, once per requirements file."""
    req = os.path.join(HERE, "requirements.txt")
    stamp = os.path.join(VENV, ".requirements")
    wanted = open(req).read()
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([venv_bin("pip"), "install", "-q", "--disable-pip-version-check", "-r", req],
                   check=True)
    with open(stamp, "w") as f:
        f.write(wanted)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None, form=None):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Server:
    """`lumit serve` on a free port, with its own data folder and database."""

    def __init__(self, binary, db):
        self.dir = tempfile.mkdtemp(prefix=f"lumit-contract-{db}-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.pg_db = None
        if db == "postgres":
            self.pg_db = f"lumit_contract_{os.getpid()}"
            admin_url = PG_ADMIN.rsplit("/", 1)[0]
            subprocess.run(["psql", admin_url + "/postgres", "-XAtq", "-c",
                            f"DROP DATABASE IF EXISTS {self.pg_db}",
                            "-c", f"CREATE DATABASE {self.pg_db}"], check=True)
            url = f"{admin_url}/{self.pg_db}"
        else:
            url = f"sqlite://{os.path.join(self.dir, 'lumit.db')}"
        env = dict(os.environ,
                   LUMIT_DATABASE_URL=url,
                   LUMIT_DATA_DIR=self.dir,
                   LUMIT_BIND=f"127.0.0.1:{self.port}",
                   LUMIT_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   LUMIT_TOTP_REQUIRED_ROLES="none",
                   LUMIT_LOG="error",
                   # Thousands of generated requests from one address and one account in a few
                   # minutes: far beyond a desk's budget, so the budgets are raised here.
                   LUMIT_RATE_LIMIT_USER="1000000",
                   LUMIT_RATE_LIMIT_CLIENT="1000000",
                   LUMIT_RATE_LIMIT_ANONYMOUS="1000000",
                   LUMIT_SIGNIN_FAILURES_PER_ADDRESS="10000")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"lumit exited: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.3)
        raise SystemExit("lumit did not become ready in 60 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        if self.pg_db:
            admin_url = PG_ADMIN.rsplit("/", 1)[0]
            subprocess.run(["psql", admin_url + "/postgres", "-XAtq", "-c",
                            f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def callers(base):
    """Who schemathesis calls as, by label, in the order of the runs: an API client with every
    scope, then the admin (who may revoke the client), as the environment hooks.py reads."""
    status, body = call(base, "POST", "/api/v1/auth/login",
                        body={"username": "admin", "password": ADMIN_PASSWORD})
    assert status == 200, (status, body)
    admin = body["access_token"]
    status, munis = call(base, "GET", "/api/v1/municipalities?limit=1", token=admin)
    assert status == 200 and munis["items"], (status, munis)
    status, doc = call(base, "GET", "/api/openapi.json")
    scopes = list(doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"])
    status, client = call(base, "POST", "/api/v1/api-clients", token=admin, body={
        "name": "Contract test", "municipality_id": munis["items"][0]["id"], "scopes": scopes})
    assert status == 201, (status, client)
    status, colleague = call(base, "POST", "/api/v1/users", token=admin, body={
        "username": "colleague", "full_name": "A colleague", "role": "admin",
        "password": "a colleague's password"})
    assert status == 201, (status, colleague)
    return {
        "api-client": {"LUMIT_CONTRACT_CLIENT_ID": client["client_id"],
                       "LUMIT_CONTRACT_CLIENT_SECRET": client["client_secret"]},
        "admin": {"LUMIT_CONTRACT_USERNAME": "admin", "LUMIT_CONTRACT_PASSWORD": ADMIN_PASSWORD,
                  "LUMIT_CONTRACT_COLLEAGUE_ID": colleague["user"]["id"]},
    }


def validate(base):
    served = os.path.join(tempfile.mkdtemp(), "openapi.json")
    with urllib.request.urlopen(base + "/api/openapi.json") as r, open(served, "wb") as f:
        f.write(r.read())
    committed = json.load(open(os.path.join(ROOT, "openapi", "openapi.json")))
    if json.load(open(served)) != committed:
        print("the served document differs from openapi/openapi.json", file=sys.stderr)
        return False
    if subprocess.run([venv_bin("openapi-spec-validator"), served]).returncode != 0:
        return False
    # Every example validates against the schema it illustrates (tests/contract/examples.py).
    return subprocess.run([venv_bin("python"), os.path.join(HERE, "examples.py"), served]).returncode == 0


def schemathesis(base, caller, label, args, report_dir):
    """One schemathesis run with tests/contract/schemathesis.toml; on failure, prints what failed."""
    ndjson = os.path.join(report_dir, f"{label}.ndjson")
    cmd = [venv_bin("schemathesis"), "--config-file", os.path.join(HERE, "schemathesis.toml"),
           "run", base + "/api/openapi.json",
           "--max-examples", str(args.examples), "--seed", str(args.seed),
           "--no-color",
           "--report", "junit,ndjson",
           "--report-junit-path", os.path.join(report_dir, f"{label}.xml"),
           "--report-ndjson-path", ndjson,
           "--exclude-path-regex", args.exclude]
    # The config's `hooks = "hooks"` is tests/contract/hooks.py; it signs in as `caller`.
    env = dict(os.environ, LUMIT_CONTRACT_BASE=base, **caller, PYTHONPATH=os.pathsep.join(
        p for p in (HERE, os.environ.get("PYTHONPATH")) if p))
    print(f"\n--- schemathesis as {label}", flush=True)
    started = time.time()
    ok = subprocess.run(cmd, env=env, cwd=ROOT, check=False).returncode == 0
    print(f"--- schemathesis as {label}: {time.time() - started:.0f} s", flush=True)
    if not ok and os.path.exists(ndjson):
        print(f"\n--- what failed, as {label} (from {os.path.relpath(ndjson, ROOT)})", flush=True)
        failures.summarise(ndjson, sys.stdout)
    return ok


def generated_client(base):
    out = tempfile.mkdtemp(prefix="lumit-client-")
    r = subprocess.run([venv_bin("openapi-python-client"), "generate",
                        "--path", os.path.join(ROOT, "openapi", "openapi.json"),
                        "--output-path", os.path.join(out, "lumit_client"), "--meta", "none"])
    if r.returncode != 0:
        return False
    env = dict(os.environ, PYTHONPATH=out, LUMIT_BASE=base, LUMIT_ADMIN_PASSWORD=ADMIN_PASSWORD)
    r = subprocess.run([venv_bin("python"), os.path.join(HERE, "generated_client.py")], env=env)
    shutil.rmtree(out, ignore_errors=True)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--bin", default=os.environ.get("LUMIT_BIN") or os.path.join(ROOT, "target", "debug", "lumit"))
    ap.add_argument("--examples", type=int, default=10, help="examples per operation and phase")
    ap.add_argument("--seed", type=int, default=20261208)
    ap.add_argument("--callers", default="admin,api-client",
                    help="whose tokens schemathesis uses (admin, api-client)")
    ap.add_argument("--exclude", default="^/(api/v1/auth/logout)$",
                    help="paths not fuzzed (logout would end the run's own session)")
    args = ap.parse_args()
    ensure_venv()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    failed = []
    for db in dbs:
        print(f"\n=== contract on {db}", flush=True)
        server = Server(args.bin, db)
        report_dir = os.path.join(ROOT, "target", "contract-report", db)
        os.makedirs(report_dir, exist_ok=True)
        try:
            if not validate(server.base):
                failed.append(f"{db}: document")
            # The generated client first: the fuzzing that follows locks `admin` out of this
            # address for a while (wrong passwords), as it should.
            if not generated_client(server.base):
                failed.append(f"{db}: generated client")
            for label, caller in callers(server.base).items():
                if label not in args.callers.split(","):
                    continue
                if not schemathesis(server.base, caller, label, args, report_dir):
                    failed.append(f"{db}: schemathesis as {label}")
        finally:
            server.stop()
    if failed:
        print("\nFAILED: " + ", ".join(failed), file=sys.stderr)
        sys.exit(1)
    print("\ncontract: the document tells the truth on " + " and ".join(dbs))


if __name__ == "__main__":
    main()
