"""Schemathesis hooks for LUMIT's contract test (loaded through schemathesis.toml).

Three things a real client does that a generator can't know to do:

1. An `Idempotency-Key` names one request, and the same key with another request is refused (422
   `idempotency_key_reused`, as the IETF draft on the header says). A generator that draws keys
   from the schema sends the same few values to many different requests, which a real client
   must never do; here every request that carries a well-formed key gets a fresh one. A malformed
   key is left as generated, so the server's refusal of bad keys is still tested.

2. The caller signs in, and signs in again when its session ends (a 401 makes schemathesis
   sign in again and repeat the request, `retry_on`). The sign-ins go from another loopback
   address (127.0.0.2) than the generated requests: the generator's wrong passwords for `admin`
   (the document's example) lock that account out of 127.0.0.1 for 15 minutes, as they should.

3. The caller doesn't lock itself out. The generator finds the caller's own id in the answers and
   would reset its password, deactivate or demote it, end its sessions or remove its second
   factor, ending the run as `POST /api/v1/auth/logout` would (which run.py leaves out). Those
   requests go to a colleague's account instead (run.py makes one), so the operations are still
   tested, on an account the run doesn't depend on.

run.py says who the caller is, in the environment:
`LUMIT_CONTRACT_BASE`, `LUMIT_CONTRACT_USERNAME` and `LUMIT_CONTRACT_PASSWORD` (a staff account)
with `LUMIT_CONTRACT_COLLEAGUE_ID`, or `LUMIT_CONTRACT_CLIENT_ID` and
`LUMIT_CONTRACT_CLIENT_SECRET` (a partner's API client).
"""
import http.client
import json
import os
import re
import threading
import urllib.parse
import uuid

import schemathesis

WELL_FORMED = re.compile(r"^[!-~]{1,255}$")


# The operations on an account that would end the caller's run if aimed at the caller.
ON_AN_ACCOUNT = {
    ("POST", "/api/v1/users/{id}/password-reset"),
    ("POST", "/api/v1/users/{id}/end-sessions"),
    ("DELETE", "/api/v1/users/{id}/totp"),
    ("PATCH", "/api/v1/users/{id}"),
}


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and WELL_FORMED.match(value):
            headers[name] = str(uuid.uuid4())
    if CALLER is not None and (case.method.upper(), case.path) in ON_AN_ACCOUNT:
        params = case.path_parameters or {}
        if CALLER.user_id is not None and params.get("id") == CALLER.user_id:
            params["id"] = CALLER.colleague_id


class Caller:
    """The caller's credentials and how to sign in with them."""

    def __init__(self):
        url = urllib.parse.urlsplit(os.environ["LUMIT_CONTRACT_BASE"])
        self.host, self.port = url.hostname, url.port
        self.username = os.environ.get("LUMIT_CONTRACT_USERNAME")
        self.password = os.environ.get("LUMIT_CONTRACT_PASSWORD")
        self.client_id = os.environ.get("LUMIT_CONTRACT_CLIENT_ID")
        self.client_secret = os.environ.get("LUMIT_CONTRACT_CLIENT_SECRET")
        self.colleague_id = os.environ.get("LUMIT_CONTRACT_COLLEAGUE_ID")
        self.user_id = None
        self.lock = threading.Lock()

    def _call(self, method, path, body=None, form=None, token=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            headers["Authorization"] = "Bearer " + token
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30,
                                              source_address=("127.0.0.2", 0))
            conn.request(method, path, body=data, headers=headers)
        except OSError:
            # No 127.0.0.2 here (not Linux): sign in from the same address.
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read()
        conn.close()
        return response.status, json.loads(text or b"null")

    def token(self):
        """A fresh access token."""
        with self.lock:
            if self.client_id:
                status, body = self._call("POST", "/api/v1/auth/token", form={
                    "grant_type": "client_credentials", "client_id": self.client_id,
                    "client_secret": self.client_secret})
            else:
                status, body = self._call("POST", "/api/v1/auth/login", body={
                    "username": self.username, "password": self.password})
            if status != 200:
                raise RuntimeError(f"the contract test's caller can't sign in: {status} {body}")
            if "user" in body:
                self.user_id = body["user"]["id"]
            return body["access_token"]


CALLER = Caller() if os.environ.get("LUMIT_CONTRACT_BASE") else None


class SignIn:
    """The caller's bearer token, on the operations that declare a security requirement."""

    def get(self, case, ctx):
        return CALLER.token()

    def set(self, case, data, ctx):
        if case.operation.definition.raw.get("security"):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


if CALLER is not None:
    schemathesis.auth(retry_on=[401])(SignIn)
