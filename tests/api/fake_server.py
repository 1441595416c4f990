"""A local fake Signals API (and Snowplow Console token endpoint) for the
client tests of `signalsc publish | unpublish | delete | sync | plan |
test-connection`.

Run it with the interpreter of an SDK virtual environment, so that every
request body is validated with the SDK's own pydantic models:

    .venv-sdk04/bin/python tests/api/fake_server.py --era attribute-groups
    .venv-sdk01/bin/python tests/api/fake_server.py --era views

It binds 127.0.0.1 on an ephemeral port and prints `PORT <n>` on its first
line of standard output. Threaded (http.server.ThreadingHTTPServer).
With --tls-cert CERT.pem --tls-key KEY.pem it speaks HTTPS (Python's ssl
module) instead, for the tests of the client's CA settings.

Endpoints (signals-api.md section 3):
  attribute-groups era: registry/attribute_keys/, registry/attribute_groups/
    (item: NAME/versions/V, latest: NAME, list ?offline=...),
    registry/services/, engines/publish (a group's batch source is part of
    the group, as in SDK 0.4.10: no batch_source endpoint)
  views era: registry/entities/, registry/views/, registry/services/,
    feature_store/apply, registry/views/NAME/versions/V/batch_source
  both: GET /health-all (no auth); GET /api/msc/v1/organizations/ORG/
    credentials/v3/token (X-API-Key-Id, X-API-Key; answers {"accessToken":
    JWT} with `exp` = now + token_ttl)
Create is POST on the collection (400 when the object exists), update PUT
on the item (404 when absent). Bodies are validated with the API models of
the SDK's models/model.py (unknown top-level keys refused, as a strict
server would): 422 with a FastAPI `detail` list on failure. GET returns the
stored body plus the fields the API computes (feast_name, full_name, ...).

Control (no auth), JSON bodies:
  POST /_control/reset            forget objects, calls, faults, tokens
  POST /_control/config           {"token_ttl": s, "healthy": bool, "accept_expired": bool,
                                   "api_key_id": .., "api_key": .., "org_id": ..,
                                   "sandbox_token": ..}
  POST /_control/faults           [{"method": "POST"|"*", "path": substring,
                                   "kind": "status"|"slow"|"malformed"|"drop"|"revoke",
                                   "status": 500, "retry_after": "1", "body": {...},
                                   "delay": seconds, "times": 1}, ...]
  GET  /_control/calls            every request: method, path, auth, body, status
  GET  /_control/objects          the stored objects
  GET  /_control/tokens           every access token issued (for leak checks)
Faults are matched in order, each for `times` requests: `status` answers
that status (with Retry-After if given, and the body or {"detail": ...});
`slow` sleeps `delay` seconds and then answers normally; `malformed`
answers 200 with a body that is not JSON; `drop` closes the connection
without an answer; `revoke` invalidates every token issued so far, so the
request gets 401 and the client must fetch a new token."""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from typing import Dict, Optional

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

import snowplow_signals
from snowplow_signals.models import model as api


class BatchSourceConfig(BaseModel):
    """The body of the View era's `PUT registry/views/NAME/versions/V/batch_source`
    (SDK 0.1.x, batch_autogen/models/batch_source_config.py), written here:
    the SDK's batch engine, which held it, was removed in 0.4.5. The current
    API carries the batch source in the attribute group itself."""
    database: str
    wh_schema: str
    table: str
    name: str
    timestamp_field: str
    created_timestamp_column: str
    description: Optional[str]
    tags: Optional[Dict[str, str]]
    owner: Optional[str]

    @model_validator(mode="after")
    def _distinct_columns(self):
        if self.timestamp_field == self.created_timestamp_column:
            raise ValueError("timestamp_field and created_timestamp_column should not be the same.")
        return self


SECRET = b"fake-server-signing-key"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def strict(model, allow=()):
    """The model with unknown top-level keys refused."""
    fields = set()
    for name, f in model.model_fields.items():
        fields.add(f.alias or name)
        fields.add(name)
    fields |= set(allow)

    def validate(body):
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        extra = [k for k in body if k not in fields]
        obj = model.model_validate(body)
        return obj, extra
    return validate


class State:
    def __init__(self, era):
        self.era = era
        self.lock = threading.Lock()
        self.reset()
        self.config = {
            "token_ttl": 3600, "healthy": True, "accept_expired": False, "api_key_id": "fake-key-id",
            "api_key": "fake-api-key-SECRET", "org_id": "fake-org",
            "sandbox_token": "fake-sandbox-SECRET",
        }

    def reset(self):
        self.keys, self.groups, self.services = {}, {}, {}
        self.calls, self.faults = [], []
        self.tokens = {}      # token -> exp
        self.revoked = set()
        self.jti = 0
        self.published = []

    def issue(self, org):
        self.jti += 1
        exp = int(time.time()) + int(self.config["token_ttl"])
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64(json.dumps({"sub": org, "exp": exp, "jti": self.jti}).encode())
        sig = b64(hmac.new(SECRET, (head + "." + body).encode(), hashlib.sha256).digest())
        tok = head + "." + body + "." + sig
        self.tokens[tok] = exp
        return tok

    def take_fault(self, method, path):
        for f in self.faults:
            if f.get("times", 1) <= 0:
                continue
            if f.get("method", "*") not in ("*", method):
                continue
            if f.get("path", "") not in path:
                continue
            f["times"] = f.get("times", 1) - 1
            return dict(f)
        return None


def validation_detail(e):
    return [{"loc": ["body"] + list(err["loc"]), "msg": err["msg"], "type": err["type"]}
            for err in e.errors()]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSignals/1.0"
    wbufsize = 1 << 16  # one write per answer (no Nagle / delayed-ACK stalls)

    def log_message(self, fmt, *args):  # quiet
        pass

    # ------------------------------------------------------------ plumbing
    @property
    def st(self):
        return self.server.state

    def send_json(self, status, obj, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.last_status = status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return None, raw
        try:
            return json.loads(raw), raw
        except ValueError:
            return ValueError, raw

    def handle_any(self, method):
        self.last_status = 0
        u = urlsplit(self.path)
        path = u.path
        body, raw = self.read_body()
        if path.startswith("/_control/"):
            return self.control(method, path, body)
        auth = self.headers.get("Authorization")
        call = {"method": method, "path": self.path, "auth": "bearer" if auth else "none",
                "body": None if body is ValueError else body,
                "sdk_name": self.headers.get("X-Signals-Sdk-Name"),
                "content_type": self.headers.get("Content-Type")}
        if "/credentials/v3/token" in path:
            call["auth"] = "console"
        with self.st.lock:
            self.st.calls.append(call)
            fault = self.st.take_fault(method, self.path)
        try:
            if fault:
                k = fault.get("kind", "status")
                if k == "drop":
                    self.close_connection = True
                    call["status"] = "dropped"
                    return
                if k == "malformed":
                    self.send_json(200, None, raw=b'{"name": "oops", ')
                    call["status"] = 200
                    return
                if k == "status":
                    hdr = {}
                    if "retry_after" in fault:
                        hdr["Retry-After"] = str(fault["retry_after"])
                    self.send_json(fault.get("status", 500),
                                   fault.get("body", {"detail": "injected fault"}), hdr)
                    call["status"] = self.last_status
                    return
                if k == "slow":
                    time.sleep(float(fault.get("delay", 2)))
                if k == "revoke":
                    with self.st.lock:
                        self.st.revoked |= set(self.st.tokens)
            if body is ValueError:
                self.send_json(422, {"detail": [{"loc": ["body"], "msg": "JSON decode error",
                                                 "type": "json_invalid"}]})
            else:
                self.route(method, path, u.query, body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        call["status"] = self.last_status

    def control(self, method, path, body):
        st = self.st
        with st.lock:
            if path == "/_control/reset":
                st.reset()
                return self.send_json(200, {})
            if path == "/_control/config":
                st.config.update(body or {})
                return self.send_json(200, st.config)
            if path == "/_control/faults":
                st.faults.extend(body or [])
                return self.send_json(200, {"queued": len(st.faults)})
            if path == "/_control/calls":
                return self.send_json(200, st.calls)
            if path == "/_control/tokens":
                return self.send_json(200, list(st.tokens))
            if path == "/_control/objects":
                return self.send_json(200, {"keys": st.keys, "groups": {"%s/%d" % k: v for k, v in st.groups.items()},
                                            "services": st.services, "published": st.published})
        self.send_json(404, {"detail": "no such control"})

    def authorized(self):
        st = self.st
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            self.send_json(401, {"detail": "Not authenticated"})
            return False
        tok = auth[len("Bearer "):]
        with st.lock:
            if tok == st.config["sandbox_token"]:
                return True
            exp = st.tokens.get(tok)
            ok = exp is not None and tok not in st.revoked and (exp > time.time() or st.config["accept_expired"])
        if not ok:
            self.send_json(401, {"detail": "Invalid or expired token"})
        return ok

    # -------------------------------------------------------------- routes
    def route(self, method, path, query, body):
        st = self.st
        if path == "/health-all" and method == "GET":
            ok = st.config["healthy"]
            return self.send_json(200, {"status": "ok" if ok else "degraded",
                                        "dependencies": {"storage": "ok",
                                                         "feature_server": "ok" if ok else "unreachable"}})
        parts = path.split("/")
        if path.startswith("/api/msc/v1/organizations/") and path.endswith("/credentials/v3/token"):
            org = parts[5]
            c = st.config
            if (self.headers.get("X-API-Key-Id") != c["api_key_id"] or self.headers.get("X-API-Key") != c["api_key"]
                    or org != c["org_id"]):
                return self.send_json(401, {"message": "invalid API key"})
            with st.lock:
                tok = st.issue(org)
            return self.send_json(200, {"accessToken": tok})
        if not path.startswith("/api/v1/"):
            return self.send_json(404, {"detail": "Not Found"})
        if not self.authorized():
            return
        rest = path[len("/api/v1/"):]
        views = st.era == "views"
        kcoll = "registry/entities/" if views else "registry/attribute_keys/"
        gcoll = "registry/views/" if views else "registry/attribute_groups/"
        if rest == "engines/publish" and method == "POST" and not views:
            try:
                api.SelectivePublishRequest.model_validate(body or {})
            except ValidationError as e:
                return self.send_json(422, {"detail": validation_detail(e)})
            with st.lock:
                st.published.append(body)
            return self.send_json(200, {"status": "published"})
        if rest == "feature_store/apply" and method == "POST" and views:
            with st.lock:
                st.published.append("apply")
            return self.send_json(200, {"status": "applied"})
        if rest.startswith(kcoll):
            return self.registry(method, rest[len(kcoll):], body, "key")
        if rest.startswith(gcoll):
            return self.registry(method, rest[len(gcoll):], body, "group", query)
        if rest.startswith("registry/services/"):
            return self.registry(method, rest[len("registry/services/"):], body, "service")
        return self.send_json(404, {"detail": "Not Found"})

    def validator(self, kind):
        views = self.st.era == "views"
        if kind == "key":
            return strict(api.Entity, ("is_published",)) if views else strict(api.AttributeKeyInput)
        if kind == "group":
            return strict(api.ViewInput, ("is_published",)) if views else strict(api.AttributeGroupInput)
        return strict(api.Service, ("is_published",) if views else ())

    def stored(self, obj, body):
        d = obj.model_dump(mode="json", exclude_none=True, by_alias=True)
        if "is_published" in body and "is_published" not in d:
            d["is_published"] = body["is_published"]
        return d

    def response_of(self, kind, d):
        if kind != "group":
            return d
        r = dict(d)
        key = (d.get("entity") or d.get("attribute_key") or {}).get("name")
        r["feast_name"] = r["full_name"] = "%s_v%s" % (d["name"], d.get("version", 1))
        r["stream_source_name"] = None
        if self.st.era == "views":
            r["entity_key"] = key
        else:
            r["attribute_key_or_name"] = key
        return r

    def registry(self, method, rest, body, kind, query=""):
        st = self.st
        table = {"key": st.keys, "group": st.groups, "service": st.services}[kind]
        if kind == "group" and rest.endswith("/batch_source") and method == "PUT" and st.era == "views":
            return self.batch_source(rest, body)
        if rest == "" and method == "GET":
            with st.lock:
                return self.send_json(200, [self.response_of(kind, v) for v in table.values()])
        if rest == "" and method == "POST":
            try:
                obj, extra = self.validator(kind)(body)
            except (ValidationError, ValueError) as e:
                det = validation_detail(e) if isinstance(e, ValidationError) else str(e)
                return self.send_json(422, {"detail": det})
            if extra:
                return self.send_json(422, {"detail": [{"loc": ["body", k], "msg": "Extra inputs are not permitted",
                                                        "type": "extra_forbidden"} for k in extra]})
            d = self.stored(obj, body)
            k = (d["name"], d.get("version", 1)) if kind == "group" else d["name"]
            with st.lock:
                if k in table:
                    return self.send_json(400, {"detail": "%s %s already exists" % (kind, d["name"])})
                table[k] = d
            return self.send_json(201, self.response_of(kind, d))
        # item paths
        seg = rest.split("/")
        if kind == "group":
            if len(seg) == 3 and seg[1] == "versions":
                k = (seg[0], int(seg[2]))
            elif len(seg) == 1 and method == "GET":
                with st.lock:
                    vs = [v for (n, _), v in st.groups.items() if n == seg[0]]
                if not vs:
                    return self.send_json(404, {"detail": "not found"})
                return self.send_json(200, self.response_of(kind, max(vs, key=lambda v: v.get("version", 1))))
            else:
                return self.send_json(404, {"detail": "Not Found"})
        else:
            if len(seg) != 1:
                return self.send_json(404, {"detail": "Not Found"})
            k = seg[0]
        with st.lock:
            cur = table.get(k)
        if method == "GET":
            if cur is None:
                return self.send_json(404, {"detail": "%s not found" % kind})
            return self.send_json(200, self.response_of(kind, cur))
        if method == "DELETE":
            with st.lock:
                if table.pop(k, None) is None:
                    return self.send_json(404, {"detail": "%s not found" % kind})
            return self.send_json(200, {})
        if method == "PUT":
            if cur is None:
                return self.send_json(404, {"detail": "%s not found" % kind})
            try:
                obj, extra = self.validator(kind)(body)
            except (ValidationError, ValueError) as e:
                det = validation_detail(e) if isinstance(e, ValidationError) else str(e)
                return self.send_json(422, {"detail": det})
            if extra:
                return self.send_json(422, {"detail": [{"loc": ["body", x], "msg": "Extra inputs are not permitted",
                                                        "type": "extra_forbidden"} for x in extra]})
            d = self.stored(obj, body)
            nk = (d["name"], d.get("version", 1)) if kind == "group" else d["name"]
            if nk != k:
                return self.send_json(400, {"detail": "the body names another object"})
            with st.lock:
                table[k] = d
            return self.send_json(200, self.response_of(kind, d))
        return self.send_json(405, {"detail": "Method Not Allowed"})

    def batch_source(self, rest, body):
        st = self.st
        seg = rest.split("/")
        if len(seg) != 4 or seg[1] != "versions":
            return self.send_json(404, {"detail": "Not Found"})
        try:
            cfg = BatchSourceConfig.model_validate(body)
        except ValidationError as e:
            return self.send_json(422, {"detail": validation_detail(e)})
        k = (seg[0], int(seg[2]))
        with st.lock:
            g = st.groups.get(k)
            if g is None:
                return self.send_json(404, {"detail": "group not found"})
            src = {"name": cfg.name, "timestamp_field": cfg.timestamp_field, "description": cfg.description,
                   "owner": cfg.owner, "database": cfg.database, "schema": cfg.wh_schema, "table": cfg.table,
                   "created_timestamp_column": cfg.created_timestamp_column}
            g["batch_source"] = {k2: v for k2, v in src.items() if v is not None}
        return self.send_json(200, {})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--era", choices=["attribute-groups", "views"], default="attribute-groups")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake runs in the handler's thread (not in accept), so a
        # client that refuses the certificate does not stall the server.
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    srv.daemon_threads = True
    srv.state = State(args.era)
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
