"""`signalsc import` of definitions made with the Python SDK 0.4.10
(tests/api/fixtures_sdk0410, written by tests/api/gen_sdk0410.py):

* what the language carries comes back unchanged from import then
  `compile --backend api` (publish state `is_published` aside: publish and
  unpublish set it);
* every 0.4.10 member or value the language cannot carry yet is an error
  E0936 that names its JSON path: nothing is dropped, nothing is written."""
import json
import os
import subprocess

import pytest

from test_payloads import FIXTURES, ROOT, SIGNALSC, compile_api, import_spec, normalise

SDK0410 = os.path.join(os.path.dirname(FIXTURES), "fixtures_sdk0410")


def without_publish_state(v):
    if isinstance(v, dict):
        return {k: without_publish_state(x) for k, x in v.items() if k != "is_published"}
    if isinstance(v, list):
        return [without_publish_state(x) for x in v]
    return v


def test_sdk0410_round_trip(tmp_path):
    fixture = os.path.join(SDK0410, "supported.json")
    spec = import_spec(fixture, tmp_path)
    out = tmp_path / "out"
    p = compile_api(str(spec), "attribute-groups", out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    with open(fixture) as f:
        key, group, service = json.load(f)
    for obj, path in [(key, out / "attribute_keys" / "shopper.json"),
                      (group, out / "attribute_groups" / "shop_v1.json"),
                      (service, out / "services" / "shop_service.json")]:
        with open(path) as f:
            got = json.load(f)
        assert without_publish_state(normalise(got, False)) == without_publish_state(normalise(obj, False)), path


with open(os.path.join(SDK0410, "unsupported.json")) as _f:
    UNSUPPORTED = json.load(_f)


# Cases of unsupported.json that the language has learnt since the fixtures
# were written: import carries them, and compile gives the body back.
CARRIED = {"most_frequent", "time_since_last", "timestamp_type"}


@pytest.mark.parametrize("case", sorted(CARRIED))
def test_sdk0410_newer_member_round_trips(case, tmp_path):
    obj, _ = UNSUPPORTED[case]
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = import_spec(str(f), tmp_path)
    out = tmp_path / "out"
    p = compile_api(str(spec), "attribute-groups", out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    with open(out / "attribute_groups" / ("%s_v%d.json" % (obj["name"], obj["version"]))) as g:
        got = json.load(g)
    assert without_publish_state(normalise(got, False)) == without_publish_state(normalise(obj, False))


@pytest.mark.parametrize("case", sorted(set(UNSUPPORTED) - CARRIED))
def test_sdk0410_member_is_never_dropped(case, tmp_path):
    obj, path = UNSUPPORTED[case]
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = tmp_path / "out.signals"
    p = subprocess.run([SIGNALSC, "import", "--color", "never", "-o", str(spec), str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    errors = [line for line in p.stderr.splitlines() if "error[" in line]
    assert any("error[E0936]" in line and ": %s: " % path in line for line in errors), p.stderr
    assert not spec.exists()
