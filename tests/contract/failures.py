#!/usr/bin/env python3
"""What a schemathesis run found, one line per distinct failure, from its NDJSON report.

    python3 tests/contract/failures.py target/contract-report/sqlite/admin.ndjson

Each failure prints as `METHOD path | check code | status | what the server said`, with the
request that caused it on the next line: the server's field errors (`field:code`) for a refused
request, the check's own message otherwise. run.py prints this after a failed run, so a CI log
says what failed without the report at hand.
"""
import base64
import json
import sys

# Checks whose message says more than the server's answer: a response that breaks the document
# (schema, headers, content type, status) is described by the check, not by the body.
DESCRIBED_BY_CHECK = {"ST101", "ST102", "ST103", "ST104", "ST105", "ST106", "ST107", "ST108"}


def _body(response):
    content = (response or {}).get("content") or {}
    if "$base64" in content:
        try:
            return base64.b64decode(content["$base64"]).decode("utf-8", "replace")
        except ValueError:
            return ""
    return content.get("string", "") if isinstance(content, dict) else ""


def _said(failure, response):
    """What the server said: its field errors or problem code, or the check's message."""
    message = " ".join(str(failure.get("message", "")).split())
    if failure.get("code") in DESCRIBED_BY_CHECK or response is None:
        return message[:300]
    body = _body(response)
    try:
        problem = json.loads(body)
    except ValueError:
        return (body or message)[:200]
    if isinstance(problem, dict):
        errors = [f"{e.get('field')}:{e.get('code')}" for e in problem.get("errors") or []
                  if isinstance(e, dict)]
        if errors:
            return ", ".join(errors)
        if problem.get("code"):
            return str(problem["code"])
    return message[:300]


def failures(path):
    """The distinct failures of a report: (operation, check code, status, said, request)."""
    seen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line).get("ScenarioFinished")
            if not event or event.get("status") != "failure":
                continue
            recorder = event["recorder"]
            for case_id, checks in recorder.get("checks", {}).items():
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    failure = check["failure_info"]["failure"]
                    case = recorder.get("cases", {}).get(case_id, {}).get("value", {})
                    interaction = recorder.get("interactions", {}).get(case_id) or {}
                    response = interaction.get("response")
                    operation = failure.get("operation") or recorder.get("label", "?")
                    said = _said(failure, response)
                    key = (operation, failure.get("code"), said[:200])
                    if key in seen:
                        continue
                    request = {k: case[k] for k in ("path_parameters", "query", "headers", "body")
                               if case.get(k) not in (None, {}, "")}
                    # Headers the report hides (the token, the idempotency key) say nothing.
                    headers = {k: v for k, v in (request.get("headers") or {}).items()
                               if v != "[Filtered]"}
                    request["headers"] = headers
                    if not headers:
                        request.pop("headers", None)
                    seen[key] = (response.get("status_code") if response else "-",
                                 f"{event.get('phase')}: {json.dumps(request)[:400]}")
    return [(op, code, status, said, request)
            for (op, code, said), (status, request) in seen.items()]


def summarise(path, out):
    """Prints the failures of the report at `path`; returns how many there are."""
    found = failures(path)
    for op, code, status, said, request in found:
        print(f"{op} | {code} | {status} | {said}\n      {request}", file=out)
    print(f"{len(found)} distinct failure(s)", file=out)
    return len(found)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(1 if summarise(sys.argv[1], sys.stdout) else 0)
