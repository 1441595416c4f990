"""The api backend's bodies checked against the real Signals Python SDK.

Run from the repository root with the project's test venv:

    sh tests/api/setup.sh                # once: .venv-sdk04, .venv-sdk0410, .venv-sdk01
    .venv/bin/python -m pytest -q tests/api

* every spec in examples/ and tests/golden/ that compiles is compiled with
  both targets, and every body is validated by the SDK of its era, the
  attribute-groups bodies by 0.4.2 and by the current 0.4.10
  (tests/api/validate_bodies.py: parsed into the SDK model, dumped back as
  the SDK sends it, and compared byte for byte);
* `signalsc import` round trip: the SDK example bodies in tests/api/fixtures
  are imported, compiled again, and must give the same objects back (modulo
  the normalisations documented in include/signals/import.h).

The SDK is for validation only; signalsc never depends on it. SIGNALSC
overrides the compiler (default build/signalsc)."""
import glob
import json
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))
VENVS = {"attribute-groups": ".venv-sdk04", "views": ".venv-sdk01"}
FIXTURES = os.path.join(ROOT, "tests", "api", "fixtures")


@pytest.fixture(scope="session", autouse=True)
def sdk_venvs():
    subprocess.run(["sh", os.path.join(ROOT, "tests", "api", "setup.sh")], check=True, cwd=ROOT)


def golden_is_valid(spec):
    """A golden spec whose expectation is a clean compile (`exit: 0`)."""
    expected = spec[:-len(".signals")] + ".expected"
    try:
        with open(expected) as f:
            return f.readline().strip() == "exit: 0"
    except OSError:
        return False


def specs():
    """Every spec that is meant to be valid: the examples, the integration
    specs, and the golden inputs whose expectation is a clean compile."""
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.signals")))
    files += [f for f in sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "**", "*.signals"),
                                          recursive=True)) if golden_is_valid(f)]
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "integration", "specs", "*.signals")))
    return [os.path.relpath(f, ROOT) for f in files]


def compile_api(spec, target, out):
    return subprocess.run([SIGNALSC, "compile", "--color", "never", "--backend", "api",
                           "--target", target, "-o", str(out), spec],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def validate(out, target, venv=None):
    py = os.path.join(ROOT, venv or VENVS[target], "bin", "python")
    p = subprocess.run([py, os.path.join(ROOT, "tests", "api", "validate_bodies.py"), str(out),
                        target], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


# The attribute-groups bodies are checked with 0.4.2 (the release
# signals-api.md describes) and with the current SDK, 0.4.10.
SDKS = {"attribute-groups": (".venv-sdk04", "attribute-groups"),
        "attribute-groups-sdk0410": (".venv-sdk0410", "attribute-groups"),
        "views": (".venv-sdk01", "views")}


# Specs that use what SDK 0.4.2 does not have (null tests 0.4.3, the
# aggregations of 0.4.3-0.4.8, date parts 0.4.7, calculated properties 0.4.9,
# interventions' payload 0.4.4, ttl 0.4.6, refr_dvce_tstamp 0.4.10): checked
# with 0.4.10 and the View era only.
NEWER_THAN_042 = {
    "tests/golden/api/aggregations_043.signals", "tests/golden/api/calculated.signals",
    "tests/golden/api/date_parts.signals", "tests/golden/api/group_fields.signals",
    "tests/golden/api/interventions.signals", "tests/golden/api/null_tests.signals",
    "tests/golden/api/refr_dvce_tstamp.signals", "tests/golden/api/refr_dvce_tstamp_views.signals",
    "tests/golden/check/offline_043.signals", "tests/golden/check/refr_device_tstamp.signals",
    "tests/golden/plan/null_tests.signals", "tests/golden/plan/unsupported.signals",
}


def test_newer_than_042_lists_real_specs():
    for spec in NEWER_THAN_042:
        assert spec in specs(), spec


@pytest.mark.parametrize("sdk", sorted(SDKS))
@pytest.mark.parametrize("spec", specs())
def test_bodies_validate_with_the_sdk(spec, sdk, tmp_path):
    venv, target = SDKS[sdk]
    if sdk == "attribute-groups" and spec in NEWER_THAN_042:
        pytest.skip("uses constructs newer than SDK 0.4.2; checked with 0.4.10")
    out = tmp_path / "out"
    p = compile_api(spec, target, out)
    if p.returncode != 0 and "E0922" in p.stderr:
        # A valid spec that this target cannot carry (the other target can).
        pytest.skip("%s cannot express it: %s" % (target, p.stderr.splitlines()[0]))
    assert p.returncode == 0, p.stderr
    result = validate(out, target, venv)
    assert result["errors"] == []


def test_every_example_compiles_for_attribute_groups(tmp_path):
    for spec in glob.glob(os.path.join(ROOT, "examples", "*.signals")):
        p = compile_api(os.path.relpath(spec, ROOT), "attribute-groups", tmp_path / os.path.basename(spec))
        assert p.returncode == 0, p.stderr


def test_output_is_deterministic(tmp_path):
    spec = os.path.join("tests", "golden", "api", "sdk_example.signals")
    a, b = tmp_path / "a", tmp_path / "b"
    assert compile_api(spec, "attribute-groups", a).returncode == 0
    assert compile_api(spec, "attribute-groups", b).returncode == 0
    for f in glob.glob(str(a / "**" / "*.json"), recursive=True):
        rel = os.path.relpath(f, a)
        with open(f, "rb") as x, open(b / rel, "rb") as y:
            assert x.read() == y.read(), rel


# --------------------------------------------------------------- import

RESPONSE_ONLY = {"feast_name", "full_name", "stream_source_name", "attribute_key_or_name",
                 "attribute_group_or_attribute_key_ttl", "entity_key", "view_or_entity_ttl",
                 "blobl_path", "offline_source_name"}


def normalise(v, views):
    """The documented normalisations of an import round trip."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if x is None or k in RESPONSE_ONLY:
                continue
            if k == "property_syntax":
                continue
            if k == "path" and isinstance(x, str) and x.startswith("$."):
                x = x[2:]
            if k == "property" and isinstance(x, str):
                x = re.sub(r"\]:", "].", x)  # API's `[0]:path` = SDK's `[0].path`
            if k == "criteria" and isinstance(x, dict):
                x = {kk: vv for kk, vv in x.items() if vv}
                if list(x) == ["any"] and len(x["any"]) == 1:
                    x = {"all": x["any"]}
            out[k] = normalise(x, views)
        return out
    if isinstance(v, list):
        return [normalise(x, views) for x in v]
    return v


def import_spec(fixture, tmp_path):
    spec = tmp_path / (os.path.basename(fixture)[:-5] + ".signals")
    p = subprocess.run([SIGNALSC, "import", "-o", str(spec), fixture], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return spec


def objects(data):
    """(kind, object) pairs of an import input."""
    if isinstance(data, list):
        for x in data:
            yield from objects(x)
    elif "name" not in data:
        for v in data.values():
            if isinstance(v, list):
                yield from objects(v)
    elif "attribute_key" in data or "entity" in data:
        yield "group", data
    elif "attribute_groups" in data or "views" in data:
        yield "service", data
    else:
        yield "key", data


@pytest.mark.parametrize("fixture", sorted(glob.glob(os.path.join(FIXTURES, "*.json"))))
def test_import_round_trip(fixture, tmp_path):
    views = "_view" in os.path.basename(fixture)
    target = "views" if views else "attribute-groups"
    spec = import_spec(fixture, tmp_path)
    out = tmp_path / "out"
    p = compile_api(str(spec), target, out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    with open(fixture) as f:
        data = json.load(f)
    kdir, gdir = ("entities", "views") if views else ("attribute_keys", "attribute_groups")
    for kind, obj in objects(data):
        if kind == "group":
            path = out / gdir / ("%s_v%d.json" % (obj["name"], obj.get("version") or 1))
        elif kind == "service":
            path = out / "services" / ("%s.json" % obj["name"])
        else:
            path = out / kdir / ("%s.json" % obj["name"])
        with open(path) as f:
            got = json.load(f)
        assert normalise(got, views) == normalise(obj, views), path
    validate(out, target)


def test_import_rejects_wildcard_events(tmp_path):
    body = {"name": "g", "attribute_key": {"name": "domain_userid"}, "owner": "o@example.com",
            "attributes": [{"name": "n", "type": "int64", "aggregation": "counter",
                            "events": [{"vendor": "com.acme"}]}]}
    f = tmp_path / "g.json"
    f.write_text(json.dumps(body))
    p = subprocess.run([SIGNALSC, "import", str(f)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 1
    assert "E0932" in p.stderr


def test_import_rejects_invalid_json(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"name": ')
    p = subprocess.run([SIGNALSC, "import", str(f)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 1
    assert "E0930" in p.stderr
