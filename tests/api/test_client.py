"""`signalsc plan | publish | unpublish | delete | sync | test-connection`
against the local fake Signals API (tests/api/fake_server.py), run under
the SDK venv of each era so that every body the client sends is validated
by the SDK's own pydantic models.

Run from the repository root:

    sh tests/api/setup.sh
    .venv/bin/python -m pytest -q tests/api/test_client.py

Everything is on 127.0.0.1; each signalsc run has a timeout, retries use
--retry-base-ms 1 so that backoff sleeps stay tiny."""
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))
VENVS = {"attribute-groups": ".venv-sdk04", "views": ".venv-sdk01"}
SPECS = {"attribute-groups": "tests/golden/api/sdk_example.signals",
         "views": "tests/golden/api/sdk_example_views.signals"}
KEY_ID, KEY, ORG = "fake-key-id", "fake-api-key-SECRET", "fake-org"
SANDBOX = "fake-sandbox-SECRET"


class Fake:
    def __init__(self, era, tls=None):
        self.era = era
        py = os.path.join(ROOT, VENVS[era], "bin", "python")
        if not os.path.exists(py):
            pytest.skip("%s missing: run tests/api/setup.sh" % VENVS[era])
        extra = ["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
        self.proc = subprocess.Popen([py, os.path.join(ROOT, "tests", "api", "fake_server.py"), "--era", era] + extra,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if tls else subprocess.PIPE,
                                     text=True)
        line = []
        t = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(60)
        if not line or not line[0].startswith("PORT "):
            self.stop()
            raise RuntimeError("fake server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(line[0].split()[1])
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def control(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/_control/" + path, data=data,
                                     method="POST" if data is not None else "GET")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            return json.loads(r.read())

    def reset(self):
        self.control("reset", {})
        self.control("config", {"token_ttl": 3600, "healthy": True, "accept_expired": False})

    def calls(self, api_only=True):
        cs = self.control("calls")
        return [c for c in cs if not api_only or c["path"].startswith("/api/v1/")]

    def faults(self, *faults):
        self.control("faults", list(faults))


@pytest.fixture(scope="module", params=["attribute-groups", "views"])
def fake(request):
    f = Fake(request.param)
    yield f
    f.stop()


@pytest.fixture(scope="module")
def groups():
    f = Fake("attribute-groups")
    yield f
    f.stop()


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_HOME", str(tmp_path / "home"))
    os.makedirs(str(tmp_path / "home"), exist_ok=True)


def base_env():
    # The CA variables the client honours are the TLS test's to set.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SNOWPLOW_") and k != "BDP_NEXT" and "proxy" not in k.lower()
           and k not in ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")}
    env["HOME"] = os.environ["TEST_HOME"]
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def run(fake, *args, env=None, creds=True, era=None, stdin=None, timeout=60):
    cmd = [SIGNALSC] + list(args) + ["--color", "never", "--retry-base-ms", "1"]
    if fake is not None:
        cmd += ["--console-url", fake.url, "--api-version", era or fake.era]
        if "--api-url" not in args:
            cmd += ["--api-url", fake.url]
    if creds:
        cmd += ["--api-key", KEY, "--api-key-id", KEY_ID, "--org-id", ORG]
    e = base_env()
    e.update(env or {})
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=ROOT, env=e, capture_output=True, text=True, timeout=timeout,
                       stdin=stdin if stdin is not None else subprocess.DEVNULL)
    p.elapsed = time.monotonic() - t0
    assert p.returncode >= 0, "signalsc crashed: %s" % p.stderr
    return p


def spec(era):
    return SPECS[era]


# ------------------------------------------------------------ lifecycle

def test_publish_plan_change_unpublish_delete(fake, tmp_path):
    fake.reset()
    era = fake.era
    s = spec(era)
    p = run(fake, "plan", "--exit-code", s)
    assert p.returncode == 3, p.stderr
    assert "+ create" in p.stdout

    p = run(fake, "publish", "--yes", s)
    assert p.returncode == 0, p.stderr
    calls = fake.calls()
    posts = [c["path"] for c in calls if c["method"] == "POST"]
    kinds = ["entities" if era == "views" else "attribute_keys", "views" if era == "views" else "attribute_groups",
             "services"]
    order = [next(i for i, k in enumerate(kinds) if "/registry/%s/" % k in path) for path in posts
             if "/registry/" in path]
    assert order == sorted(order) and len(set(order)) == 3, posts
    if era == "views":
        assert posts[-1] == "/api/v1/feature_store/apply"
    objs = fake.control("objects")
    assert len(objs["groups"]) == 2 and len(objs["services"]) == 1 and len(objs["keys"]) == 1
    if era == "attribute-groups":
        assert all(g["is_published"] for g in objs["groups"].values())

    p = run(fake, "plan", "--exit-code", s)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "No changes." in p.stdout

    changed = tmp_path / "changed.signals"
    text = open(os.path.join(ROOT, s)).read().replace("ttl 30 days", "ttl 14 days")
    changed.write_text(text.replace('description "demo"', 'description "demo 2"'))
    p = run(fake, "plan", "--exit-code", str(changed))
    assert p.returncode == 3, p.stderr
    assert '/ttl: "P30D" -> "P14D"' in p.stdout, p.stdout
    assert '/description: "demo" -> "demo 2"' in p.stdout
    pj = run(fake, "plan", "--format", "json", str(changed))
    assert pj.returncode == 0, pj.stderr
    doc = json.loads(pj.stdout)
    assert doc["changes"] is True
    upd = [o for o in doc["objects"] if o["action"] == "update"]
    assert [o["name"] for o in upd] == ["ecommerce_stream"]
    assert {"path": "/ttl", "old": "P30D", "new": "P14D"} in upd[0]["fields"]

    # publish the change: POST answers 400 (exists), then PUT
    n = len(fake.calls())
    p = run(fake, "publish", "--yes", str(changed))
    assert p.returncode == 0, p.stderr
    new = fake.calls()[n:]
    writes = [(c["method"], c["status"]) for c in new if c["method"] in ("POST", "PUT")]
    assert writes[:2] == [("POST", 400), ("PUT", 200)], writes

    p = run(fake, "unpublish", "--yes", str(changed))
    assert p.returncode == 0, p.stderr
    objs = fake.control("objects")
    assert all(g.get("is_published") is False for g in objs["groups"].values())
    assert all(g.get("is_published") is False for g in objs["services"].values())

    n = len(fake.calls())
    p = run(fake, "delete", "--yes", str(changed))
    assert p.returncode == 0, p.stderr
    dels = [c["path"] for c in fake.calls()[n:] if c["method"] == "DELETE"]
    assert len(dels) == 4 and "/services/" in dels[0] and ("/entities/" in dels[-1] or "/attribute_keys/" in dels[-1])
    objs = fake.control("objects")
    assert not objs["groups"] and not objs["services"] and not objs["keys"]

    p = run(fake, "delete", "--yes", str(changed))
    assert p.returncode == 0 and "not deployed" in p.stdout


def test_confirmation_needed_without_terminal(groups):
    groups.reset()
    p = run(groups, "publish", spec("attribute-groups"))
    assert p.returncode == 2
    assert "E0949" in p.stderr
    assert not [c for c in groups.calls() if c["method"] != "GET"]


def test_dry_run_sends_nothing(groups):
    groups.reset()
    p = run(groups, "publish", "--dry-run", spec("attribute-groups"), creds=False)
    assert p.returncode == 0, p.stderr
    assert "[dry run] POST %s/api/v1/registry/attribute_keys/" % groups.url in p.stdout
    assert "Authorization: Bearer [redacted]" in p.stdout
    assert groups.control("calls") == []


def test_sync_and_test_connection(fake):
    fake.reset()
    s = spec(fake.era)
    assert run(fake, "publish", "--yes", s).returncode == 0
    extra = ["--created-timestamp-column", "lower_limit"] if fake.era == "views" else []
    p = run(fake, "sync", "ecommerce_stream:1", s, "--database", "DB", "--schema", "SCH", *extra)
    assert p.returncode == 0, p.stderr
    last = fake.calls()[-1]
    if fake.era == "views":
        put = [c for c in fake.calls() if c["method"] == "PUT" and c["path"].endswith("/batch_source")][-1]
        assert put["body"]["wh_schema"] == "SCH" and put["body"]["table"] == "ecommerce_stream_v1_attributes"
        assert last["path"] == "/api/v1/feature_store/apply"
    else:
        # SDK 0.4.10: the batch source is the group's own member, sent with
        # a PUT of the group (no batch_source endpoint), then engines/publish.
        assert not [c for c in fake.calls() if c["path"].endswith("/batch_source")]
        put = [c for c in fake.calls() if c["method"] == "PUT"][-1]
        assert put["path"] == "/api/v1/registry/attribute_groups/ecommerce_stream/versions/1"
        src = put["body"]["batch_source"]
        assert (src["name"], src["database"], src["schema"], src["table"], src["timestamp_field"]) == (
            "ecommerce_stream_v1_attributes", "DB", "SCH", "ecommerce_stream_v1_attributes", "updated_at")
        assert "feast_name" not in put["body"] and put["body"]["attributes"]
        stored = fake.control("objects")["groups"]["ecommerce_stream/1"]
        assert stored["batch_source"]["schema"] == "SCH"
        assert last["path"] == "/api/v1/engines/publish"
        assert last["body"] == {"attribute_groups": [{"name": "ecommerce_stream", "version": 1}]}
    # the registered batch source is not a difference the plan reports
    p = run(fake, "plan", "--exit-code", s)
    assert p.returncode == 0, p.stdout
    p = run(fake, "sync", "nope", s, "--database", "DB", "--schema", "SCH")
    assert p.returncode == 1 and "E0951" in p.stderr

    p = run(fake, "test-connection")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "ok    authentication" in p.stdout and "ok    API health" in p.stdout
    fake.control("config", {"healthy": False})
    p = run(fake, "test-connection")
    assert p.returncode == 1 and "E0950" in p.stderr and "FAIL" in p.stdout


# --------------------------------------------------------------- faults

def attempts(fake, method, fragment):
    return [c for c in fake.calls() if c["method"] == method and fragment in c["path"]]


def test_500_is_retried_then_succeeds(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 500, "times": 2})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    assert len(attempts(groups, "GET", "/registry/attribute_keys/")) == 3
    assert p.stderr.count("retrying") == 2


def test_retries_are_bounded(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 503,
                   "times": 100, "body": {"detail": "storage down"}})
    p = run(groups, "plan", "--retries", "2", spec("attribute-groups"))
    assert p.returncode == 1
    assert len(attempts(groups, "GET", "/registry/attribute_keys/")) == 3
    assert "E0947" in p.stderr and "storage down" in p.stderr and "3 attempts" in p.stderr


def test_429_honours_retry_after(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 429,
                   "retry_after": "1", "times": 1})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    assert "retrying in 1000 ms (Retry-After" in p.stderr
    assert p.elapsed >= 0.9
    # an HTTP date in the past: no wait; a long delay is capped by --retry-max-ms
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 429,
                   "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT", "times": 1},
                  {"method": "GET", "path": "/registry/attribute_groups/", "kind": "status", "status": 429,
                   "retry_after": "3600", "times": 1})
    p = run(groups, "plan", "--retry-max-ms", "50", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    assert "retrying in 0 ms (Retry-After" in p.stderr
    assert "retrying in 50 ms (Retry-After, capped" in p.stderr
    assert p.elapsed < 10


def test_4xx_is_not_retried_and_carries_the_api_message(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 403,
                   "body": {"detail": "key lacks signals:write"}, "times": 5})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 1
    assert len(attempts(groups, "GET", "/registry/attribute_keys/")) == 1
    assert "E0944" in p.stderr and "key lacks signals:write" in p.stderr

    groups.reset()
    detail = [{"loc": ["body", "attributes", 0, "period"], "msg": "Input should be a valid duration",
               "type": "duration_parsing"}]
    groups.faults({"method": "POST", "path": "/registry/attribute_groups/", "kind": "status", "status": 422,
                   "body": {"detail": detail}, "times": 5})
    p = run(groups, "publish", "--yes", spec("attribute-groups"))
    assert p.returncode == 1
    assert "E0946" in p.stderr
    assert "body.attributes.0.period: Input should be a valid duration" in p.stderr
    assert len(attempts(groups, "POST", "/registry/attribute_groups/")) == 1
    # nothing after the failing request
    assert not attempts(groups, "POST", "/registry/services/")

    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_groups/?offline=true", "kind": "status",
                   "status": 404, "body": {"detail": "no such route"}, "times": 1})
    p = run(groups, "test-connection", "--no-check-api")
    assert p.returncode == 1 and "E0945" in p.stderr and "no such route" in p.stderr


def test_401_refreshes_the_token_once(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_groups/", "kind": "revoke", "times": 1})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    tokens = [c for c in groups.control("calls") if c["auth"] == "console"]
    assert len(tokens) == 2
    statuses = [c["status"] for c in attempts(groups, "GET", "/registry/attribute_groups/")]
    assert statuses[:2] == [401, 404]

    # 401 to a token that worked before: one new token, one more try, then E0943
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_groups/", "kind": "status", "status": 401,
                   "body": {"detail": "token rejected"}, "times": 10})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 1
    assert "E0943" in p.stderr and "token rejected" in p.stderr
    assert len(attempts(groups, "GET", "/registry/attribute_groups/")) == 2
    assert len([c for c in groups.control("calls") if c["auth"] == "console"]) == 2
    # 401 to a token fetched for this very request: no second fetch
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/", "kind": "status", "status": 401,
                   "body": {"detail": "token rejected"}, "times": 10})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 1 and "E0943" in p.stderr
    assert len(groups.calls()) == 1
    assert len([c for c in groups.control("calls") if c["auth"] == "console"]) == 1


def test_expired_token_is_fetched_again(groups):
    groups.reset()
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0
    assert len([c for c in groups.control("calls") if c["auth"] == "console"]) == 1
    # tokens whose `exp` has passed (the server still takes them): the
    # client fetches a new one before every request
    groups.reset()
    groups.control("config", {"token_ttl": -5, "accept_expired": True})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    api = groups.calls()
    console = [c for c in groups.control("calls") if c["auth"] == "console"]
    assert len(console) == len(api) == 4
    # a server that refuses them: 401, one fresh token, 401 again: E0943
    groups.reset()
    groups.control("config", {"token_ttl": -5, "accept_expired": False})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 1 and "E0943" in p.stderr
    assert len(groups.calls()) == 1


def test_console_refusal_is_clear(groups):
    groups.reset()
    p = run(groups, "plan", spec("attribute-groups"), creds=False,
            env={"SNOWPLOW_API_KEY": "wrong-SECRET-key", "SNOWPLOW_API_KEY_ID": KEY_ID, "SNOWPLOW_ORG_ID": ORG})
    assert p.returncode == 1
    assert "E0943" in p.stderr and "token exchange failed" in p.stderr and "invalid API key" in p.stderr
    assert "wrong-SECRET-key" not in p.stderr + p.stdout


def test_timeout_fires(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "slow", "delay": 3, "times": 5})
    p = run(groups, "plan", "--timeout", "0.5", "--retries", "1", spec("attribute-groups"))
    assert p.returncode == 1
    assert "E0942" in p.stderr and "timed out" in p.stderr
    assert len(attempts(groups, "GET", "/registry/attribute_keys/")) == 2
    assert p.elapsed < 3


def test_malformed_json_is_a_clear_error(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "malformed", "times": 1})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 1
    assert "E0948" in p.stderr and "not JSON" in p.stderr and '{"name": "oops"' in p.stderr


def test_dropped_connections(groups):
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "drop", "times": 1})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    assert len(attempts(groups, "GET", "/registry/attribute_keys/")) == 2
    groups.reset()
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "drop", "times": 10})
    p = run(groups, "plan", "--retries", "1", spec("attribute-groups"))
    assert p.returncode == 1 and "E0942" in p.stderr and "2 attempts" in p.stderr


def test_connection_refused(groups):
    # a port nothing listens on: bounded retries, then E0942
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = run(None, "test-connection", "--no-check-auth", "--api-url", "http://127.0.0.1:%d" % port,
            "--retries", "2", creds=False)
    assert p.returncode == 1
    assert "E0942" in p.stderr and "3 attempts" in p.stderr


# -------------------------------------------------------------- secrets

def test_secrets_never_printed(groups):
    groups.reset()
    outputs = []
    s = spec("attribute-groups")
    outputs.append(run(groups, "publish", "--yes", "--verbose", s))
    groups.faults({"method": "GET", "path": "/registry/attribute_groups/", "kind": "revoke", "times": 1},
                  {"method": "GET", "path": "/registry/services/", "kind": "status", "status": 422,
                   "body": {"detail": "bad"}, "times": 1})
    outputs.append(run(groups, "plan", "--verbose", s))
    outputs.append(run(groups, "publish", "--dry-run", "--verbose", s))
    outputs.append(run(groups, "test-connection", "--verbose", "--auth-mode", "sandbox", "--sandbox-token", SANDBOX))
    outputs.append(run(groups, "plan", "--verbose", "--auth-mode", "sandbox", s, creds=False,
                       env={"SNOWPLOW_SANDBOX_TOKEN": "wrong-sandbox-SECRET"}))
    tokens = groups.control("tokens")
    assert len(tokens) >= 2
    text = "".join(p.stdout + p.stderr for p in outputs)
    assert "Authorization: Bearer [redacted]" in text and "X-API-Key: [redacted]" in text
    for secret in [KEY, SANDBOX, "wrong-sandbox-SECRET"] + tokens:
        assert secret not in text, secret
    for piece in (t.split(".")[2] for t in tokens):
        assert piece not in text


# ---------------------------------------------------------------- config

def write_yml(text):
    d = os.path.join(os.environ["TEST_HOME"], ".config", "snowplow")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "snowplow.yml"), "w") as f:
        f.write(text)


GOOD_YML = "# written by snowplow-cli\nconsole:\n  org-id: %s\n  api-key-id: '%s'\n  api-key: \"%s\"\n" % (ORG, KEY_ID, KEY)


def test_config_file_is_read(groups):
    groups.reset()
    write_yml(GOOD_YML)
    p = run(groups, "test-connection", creds=False)
    assert p.returncode == 0, p.stderr


def test_config_precedence(groups):
    groups.reset()
    write_yml(GOOD_YML.replace(KEY, "yml-wrong-SECRET"))
    # env beats the file
    p = run(groups, "test-connection", "--no-check-api", creds=False, env={"SNOWPLOW_API_KEY": KEY})
    assert p.returncode == 0, p.stderr
    # the file fills in what env lacks, and the wrong value is used
    p = run(groups, "test-connection", "--no-check-api", creds=False)
    assert p.returncode == 1 and "E0943" in p.stderr
    # flags beat env
    p = run(groups, "test-connection", "--no-check-api", "--api-key", KEY, creds=False,
            env={"SNOWPLOW_API_KEY": "env-wrong-SECRET"})
    assert p.returncode == 0, p.stderr
    p = run(groups, "test-connection", "--no-check-api", creds=False, env={"SNOWPLOW_API_KEY": "env-wrong-SECRET"})
    assert p.returncode == 1
    # SNOWPLOW_API_URL and sandbox mode from env
    p = run(None, "test-connection", creds=False,
            env={"SNOWPLOW_API_URL": groups.url, "SNOWPLOW_AUTH_MODE": "sandbox", "SNOWPLOW_SANDBOX_TOKEN": SANDBOX})
    assert p.returncode == 0, p.stderr
    last = groups.control("calls")[-2:]      # no console call in sandbox mode
    assert [c["auth"] for c in last] == ["bearer", "none"] and last[1]["path"] == "/health-all"


def test_config_errors(groups):
    groups.reset()
    p = run(None, "plan", spec("attribute-groups"), creds=False)
    assert p.returncode == 2 and "E0940" in p.stderr and "SNOWPLOW_API_URL" in p.stderr
    p = run(groups, "plan", spec("attribute-groups"), creds=False)
    assert p.returncode == 2 and "E0940" in p.stderr and "API key" in p.stderr
    write_yml("console:\n  org-id: [a, b]\n")
    p = run(groups, "plan", spec("attribute-groups"), creds=False)
    assert p.returncode == 2 and "E0941" in p.stderr and "snowplow.yml:2:11: `console.org-id`" in p.stderr
    write_yml("console:\n\tapi-key: x\n")
    p = run(groups, "plan", spec("attribute-groups"), creds=False)
    assert p.returncode == 2 and "E0941" in p.stderr and "snowplow.yml:2:1: not valid YAML" in p.stderr
    assert "tabs" in p.stderr
    p = run(groups, "plan", spec("attribute-groups"), creds=False, env={"SNOWPLOW_AUTH_MODE": "oauth"})
    assert p.returncode == 2 and "E0940" in p.stderr
    p = run(groups, "plan", "--api-url", "ftp://x", spec("attribute-groups"))
    assert p.returncode == 2 and "E0940" in p.stderr
    assert groups.calls() == []


def test_confirmation_on_a_terminal(groups):
    import pty
    for answer, rc in (("n\n", 1), ("y\n", 0)):
        groups.reset()
        master, slave = pty.openpty()
        try:
            os.write(master, answer.encode())
            p = run(groups, "publish", spec("attribute-groups"), stdin=slave)
        finally:
            os.close(slave)
            os.close(master)
        assert p.returncode == rc, p.stderr
        assert "Publish these changes? [y/N]" in p.stderr
        writes = [c for c in groups.calls() if c["method"] == "POST"]
        assert bool(writes) == (rc == 0)


def test_config_file_yaml(groups):
    """snowplow.yml is read as YAML (libyaml): styles the old hand-written
    subset refused work, and every error has file:line:col."""
    cases = [
        # quoted values, comments, unknown keys (top level and under console)
        "# c\n---\nother-tool:\n  x: [1, 2]\nconsole:   # ours\n  host: ignored\n"
        "  org-id: \"%s\"   # quoted\n  api-key-id: '%s'\n  api-key: %s\n" % (ORG, KEY_ID, KEY),
        # anchors and aliases, flow style
        "ids: &o %s\nkid: &i %s\nkey: &k %s\nconsole:\n  org-id: *o\n  api-key-id: *i\n  api-key: *k\n"
        % (ORG, KEY_ID, KEY),
        "console: {org-id: %s, api-key-id: %s, api-key: \"%s\"}\n" % (ORG, KEY_ID, KEY),
    ]
    for text in cases:
        groups.reset()
        write_yml(text)
        p = run(groups, "test-connection", "--no-check-api", creds=False)
        assert p.returncode == 0, (text, p.stderr)
    groups.reset()
    bad = [
        ("console:\n  org-id: x\n\tapi-key: y\n", ":3:1: not valid YAML"),
        ("console:\n  org-id: \"x\n", ":3:1: not valid YAML"),
        ("console:\n  org-id: a\n org-id: b\n", ":3:2: not valid YAML"),
        ("console:\n  api-key: |\n    multi\n    line\n", ":2:12: `console.api-key` holds a line break"),
        ("console:\n  org-id: x\n  org-id: y\n", ":3:3: `console.org-id` appears twice"),
    ]
    for text, msg in bad:
        write_yml(text)
        p = run(groups, "plan", spec("attribute-groups"), creds=False)
        assert p.returncode == 2 and "E0941" in p.stderr and "snowplow.yml" + msg in p.stderr, (text, p.stderr)
    assert groups.calls() == []


def test_config_file_secret_never_printed(groups):
    groups.reset()
    secret = "yml-KEY-7d1e-SECRET"
    for text in [
        "console:\n  api-key: [%s]\n" % secret,
        "console:\n  api-key: {%s: 1}\n" % secret,
        "console:\n  api-key: \"%s\n" % secret,
        "console:\n  api-key: %s: x\n" % secret,
        "console:\n  api-key: &a %s\n  api-key: *a\n" % secret,
        "console:\n  api-key: |\n    %s\n" % secret,
        "console:\n  api-key: !!binary %s\n" % secret,
        "console:\n\tapi-key: %s\n" % secret,
        "console:\n  api-key: \"%s\\q\"\n" % secret,
        "%s\n" % secret,
        "- %s\n" % secret,
        "console:\n  api-key: %s\n  \xff\n" % secret,
    ]:
        write_yml(text)
        p = run(groups, "plan", "--verbose", spec("attribute-groups"), creds=False)
        assert p.returncode == 2 and "E0941" in p.stderr, (text, p.stderr)
        assert "SECRET" not in p.stderr + p.stdout and "7d1e" not in p.stderr + p.stdout, (text, p.stderr)


# ------------------------------------------------------------ http, TLS

def test_http_to_a_remote_host_is_refused(groups):
    groups.reset()
    s = spec("attribute-groups")
    # api URL, console URL (bdp), env and flag alike; nothing is sent
    for args, env in [(["--api-url", "http://signals.example.com"], {}),
                      (["--api-url", "http://10.1.2.3:8080/"], {}),
                      (["--api-url", "http://127.0.0.1@signals.example.com"], {}),
                      ([], {"SNOWPLOW_API_URL": "http://signals.example.com"})]:
        p = run(None, "plan", *args, s, env=env)
        assert p.returncode == 2 and "E0952" in p.stderr and "--allow-insecure-http" in p.stderr, (args, p.stderr)
    p = run(None, "plan", "--api-url", groups.url, "--console-url", "http://console.example.com", s)
    assert p.returncode == 2 and "E0952" in p.stderr and "console URL" in p.stderr
    assert groups.calls(api_only=False) == []
    # loopback in every spelling is allowed
    for host in ("127.0.0.1", "localhost", "LOCALHOST"):
        url = "http://%s:%d" % (host, groups.port)
        p = run(None, "plan", "--api-url", url, "--console-url", url, s)
        assert p.returncode == 0, (url, p.stderr)
    # --allow-insecure-http lets a remote http URL through (the dry run sends nothing; a
    # name that cannot resolve fails later, in the transport)
    p = run(None, "publish", "--dry-run", "--allow-insecure-http", "--api-url", "http://signals.example.com", s,
            creds=False)
    assert p.returncode == 0, p.stderr
    assert "[dry run] POST http://signals.example.com/api/v1/registry/attribute_keys/" in p.stdout
    p = run(None, "test-connection", "--no-check-auth", "--allow-insecure-http", "--retries", "0",
            "--api-url", "http://signals.invalid", creds=False)
    assert p.returncode == 1 and "E0942" in p.stderr and "E0952" not in p.stderr


def test_url_password_never_printed(groups):
    groups.reset()
    s = spec("attribute-groups")
    pw = "url-PW-93c1-SECRET"
    outs = []
    # refused (http to a remote host), malformed, and a real exchange with --verbose,
    # a failing answer and a connection that fails
    outs.append(run(None, "plan", "--api-url", "http://user:%s@signals.example.com" % pw, s))
    outs.append(run(None, "plan", "--api-url", "ftp://user:%s@signals.example.com" % pw, s))
    outs.append(run(None, "plan", "--api-url", "user:%s@signals.example.com" % pw, s))
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 500,
                   "body": {"detail": "boom"}, "times": 100})
    url = "http://user:%s@127.0.0.1:%d" % (pw, groups.port)
    outs.append(run(groups, "plan", "--verbose", "--retries", "1", "--api-url", url, "--console-url", url, s))
    outs.append(run(groups, "publish", "--dry-run", "--verbose", "--api-url", url, s))
    import socket
    sk = socket.socket()
    sk.bind(("127.0.0.1", 0))
    port = sk.getsockname()[1]
    sk.close()
    outs.append(run(None, "test-connection", "--verbose", "--no-check-auth", "--retries", "0",
                    "--api-url", "http://user:%s@127.0.0.1:%d" % (pw, port), creds=False))
    assert outs[3].returncode == 1 and "E0947" in outs[3].stderr
    assert outs[5].returncode == 1 and "E0942" in outs[5].stderr
    text = "".join(p.stdout + p.stderr for p in outs)
    assert "user:[redacted]@" in text
    assert pw not in text and "93c1" not in text


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), and the fake API
    serving HTTPS with it."""
    import shutil
    if not shutil.which("openssl"):
        pytest.skip("openssl missing")
    d = tmp_path_factory.mktemp("tls")
    cert, key = str(d / "cert.pem"), str(d / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    cadir = d / "ca"
    cadir.mkdir()
    shutil.copy(cert, str(cadir / "fake.pem"))
    subprocess.run(["openssl", "rehash", str(cadir)], check=True, capture_output=True)
    f = Fake("attribute-groups", tls=(cert, key))
    f.cert, f.cadir = cert, str(cadir)
    yield f
    f.stop()


def test_ca_environment_variables_are_honoured(tls):
    def tc(env, *extra):
        return run(None, "test-connection", "--no-check-auth", "--retries", "0", "--api-url", tls.url, *extra,
                   creds=False, env=env)
    # libcurl's built-in bundle does not know the test CA: verification fails
    p = tc({})
    assert p.returncode == 1 and "E0942" in p.stderr and "SSL_CERT_FILE" in p.stderr, p.stderr
    for env in ({"SSL_CERT_FILE": tls.cert}, {"CURL_CA_BUNDLE": tls.cert}, {"SSL_CERT_DIR": tls.cadir},
                {"CURL_CA_BUNDLE": tls.cert, "SSL_CERT_FILE": "/nonexistent.pem"}):
        p = tc(env)
        assert p.returncode == 0, (env, p.stderr)
        assert "ok    API health" in p.stdout
    # CURL_CA_BUNDLE wins over the others, as with the curl tool
    p = tc({"CURL_CA_BUNDLE": "/nonexistent.pem", "SSL_CERT_FILE": tls.cert})
    assert p.returncode == 1 and "E0942" in p.stderr
    p = tc({"SSL_CERT_FILE": tls.cert}, "--verbose")
    assert "TLS: CA certificates from %s (SSL_CERT_FILE)" % tls.cert in p.stderr
    # the whole token flow over TLS, the key never printed
    p = run(tls, "test-connection", "--verbose", env={"SSL_CERT_FILE": tls.cert})
    assert p.returncode == 0, p.stderr
    assert KEY not in p.stdout + p.stderr


def test_retry_after_http_date_in_the_future(groups):
    import email.utils
    groups.reset()
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    groups.faults({"method": "GET", "path": "/registry/attribute_keys/", "kind": "status", "status": 503,
                   "retry_after": when, "times": 1})
    p = run(groups, "plan", spec("attribute-groups"))
    assert p.returncode == 0, p.stderr
    m = re.search(r"retrying in (\d+) ms \(Retry-After;", p.stderr)
    assert m and 1000 <= int(m.group(1)) <= 3000, p.stderr
    assert p.elapsed >= 0.9


def test_server_text_cannot_drive_the_terminal(groups):
    # a hostile server's escape sequences (ESC, ECMA-48) reach neither stdout nor stderr
    groups.reset()
    esc = "\x1b[2J\x1b]0;pwned\x07"
    groups.faults({"method": "GET", "path": "/health-all", "kind": "status", "status": 200,
                   "body": {"status": esc + "ok", "dependencies": {"db" + esc: esc + "down"}}, "times": 1},
                  {"method": "GET", "path": "/registry/", "kind": "status", "status": 403,
                   "body": {"detail": esc + "denied"}, "times": 1})
    p = run(groups, "test-connection", "--verbose")
    assert p.returncode == 1 and "E0950" in p.stderr and "E0944" in p.stderr and "denied" in p.stderr
    assert "\x1b" not in p.stdout + p.stderr and "\x07" not in p.stdout + p.stderr


def test_202_accepted_counts_as_success(groups):
    # The SDK's ApiClient takes 200, 201 and 202 as success (api_client.py,
    # SDK 0.4.10): an API that accepts a request for later processing.
    groups.reset()
    s = spec("attribute-groups")
    groups.faults({"method": "POST", "path": "/registry/attribute_keys/", "kind": "status", "status": 202,
                   "body": {"status": "accepted"}, "times": 1})
    p = run(groups, "publish", "--yes", s)
    assert p.returncode == 0, p.stderr
    assert "created attribute key" in p.stdout
    assert run(groups, "publish", "--yes", s).returncode == 0
    groups.faults({"method": "POST", "path": "/engines/publish", "kind": "status", "status": 202,
                   "body": {"status": "accepted"}, "times": 1})
    p = run(groups, "sync", "ecommerce_stream:1", s, "--database", "DB", "--schema", "SCH")
    assert p.returncode == 0, p.stderr
    assert "engines: accepted (202)" in p.stdout


def test_sync_needs_the_group_deployed(groups):
    # The batch source is a member of the deployed group: there must be one.
    groups.reset()
    p = run(groups, "sync", "ecommerce_stream:1", spec("attribute-groups"), "--database", "DB", "--schema", "SCH")
    assert p.returncode == 1
    assert "E0951" in p.stderr and "not deployed" in p.stderr
    assert not [c for c in groups.calls() if c["method"] in ("PUT", "POST")]
