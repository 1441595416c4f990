"""The signalsc command line as build systems and editors use it: exit
statuses, standard input, JSON diagnostics, explain, and atomic outputs."""
import json
import os
import stat
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))

GOOD = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = counter() from page_view
view v1_users v1 {
    entity domain_userid
    offline true
    attributes page_views
}
"""
BAD = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = countr() from page_veiw
"""


def run(*args, stdin=None, cwd=None):
    return subprocess.run([SIGNALSC, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=60)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_exit_statuses(tmp_path):
    assert run("check", write(tmp_path, "good.signals", GOOD)).returncode == 0
    assert run("check", write(tmp_path, "bad.signals", BAD)).returncode == 1
    assert run("check").returncode == 2                       # no file
    assert run("check", "--format", "xml", "x").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("--version").stdout.startswith("signalsc ")
    assert "compile" in run("--help").stdout


def test_unknown_command_suggests(tmp_path):
    p = run("chek", "x.signals")
    assert p.returncode == 2
    assert "did you mean 'check'" in p.stderr


def test_stdin_with_a_display_name():
    p = run("check", "--color", "never", "--stdin-filename", "editor/buffer.signals", "-",
            stdin=BAD)
    assert p.returncode == 1
    assert p.stderr.startswith("editor/buffer.signals:3:24: error[E0320]")


def test_json_diagnostics_are_one_object_per_line(tmp_path):
    p = run("check", "--format", "json", write(tmp_path, "bad.signals", BAD))
    assert p.returncode == 1
    lines = p.stderr.splitlines()
    assert len(lines) == 2            # every error is reported, not only the first
    diags = [json.loads(line) for line in lines]
    assert [d["code"] for d in diags] == ["E0320", "E0301"]
    first = diags[0]
    assert first["type"] == "diagnostic" and first["severity"] == "error"
    assert first["span"]["line_start"] == 3 and first["span"]["column_start"] == 24
    assert first["span"]["byte_end"] - first["span"]["byte_start"] == len("countr")
    assert first["replacement"] == "counter"
    assert diags[1]["replacement"] == "page_view"


def test_no_colour_unless_asked(tmp_path):
    bad = write(tmp_path, "bad.signals", BAD)
    assert "\x1b[" not in run("check", bad).stderr          # not a terminal
    assert "\x1b[" in run("check", "--color", "always", bad).stderr


def test_explain_and_codes():
    p = run("explain", "e0301")
    assert p.returncode == 0 and p.stdout.startswith("E0301: ")
    assert run("explain", "E9999").returncode == 2
    codes = run("codes").stdout.splitlines()
    assert len(codes) > 50 and all(c[:1] in ("E", "W") for c in codes)


def test_compile_is_deterministic(tmp_path):
    spec = write(tmp_path, "s.signals", GOOD)
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("compile", "-o", str(a), spec).returncode == 0
    assert run("compile", "-o", str(b), spec).returncode == 0
    files = sorted(os.path.relpath(os.path.join(d, f), a) for d, _, fs in os.walk(a) for f in fs)
    assert "dbt_project.yml" in files
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_failed_compile_leaves_the_previous_output(tmp_path):
    out = tmp_path / "project"
    good = write(tmp_path, "s.signals", GOOD)
    assert run("compile", "-o", str(out), good).returncode == 0
    before = (out / "dbt_project.yml").read_bytes()
    bad = write(tmp_path, "s.signals", BAD)
    p = run("compile", "-o", str(out), bad)
    assert p.returncode == 1
    assert (out / "dbt_project.yml").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["project", "s.signals"]   # no temp dirs left


def test_compile_never_replaces_a_foreign_directory(tmp_path):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    p = run("compile", "-o", str(precious), write(tmp_path, "s.signals", GOOD))
    assert p.returncode == 1
    assert "E0903" in p.stderr and "refusing" in p.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_unknown_target_is_a_usage_error(tmp_path):
    p = run("compile", "--target", "snowflak", "-o", str(tmp_path / "o"),
            write(tmp_path, "s.signals", GOOD))
    assert p.returncode == 2
    assert "no target 'snowflak'" in p.stderr


def test_debug_model_is_json(tmp_path):
    p = run("debug", "model", write(tmp_path, "s.signals", GOOD))
    assert p.returncode == 0
    model = json.loads(p.stdout)
    assert model["attributes"][0]["aggregation"] == "counter"
    assert model["views"][0]["entity"]["property"]["column"] == "domain_userid"


def test_usage_errors_follow_format_json():
    """Every failure reaches an editor in the format it asked for."""
    for args in (["chek", "--format", "json", "x"], ["check", "--format=json"],
                 ["compile", "--format", "json", "--target", "nope", "-o", "o", "x.signals"]):
        p = run(*args)
        assert p.returncode == 2
        lines = p.stderr.splitlines()
        assert len(lines) == 1, p.stderr
        d = json.loads(lines[0])
        assert d["code"] == "E0004" and d["severity"] == "error" and d["span"] is None


# --- inputs: only regular files (and standard input), at most 64 MiB -------

def _special_inputs(tmp_path):
    """A FIFO, a directory and a private character device node (a copy of
    /dev/null's numbers, made in the temporary directory: never a /dev path)."""
    fifo = tmp_path / "pipe.signals"
    os.mkfifo(fifo)
    d = tmp_path / "dir.signals"
    d.mkdir()
    cases = [(str(fifo), "FIFO"), (str(d), "directory")]
    dev = tmp_path / "null.signals"
    try:
        os.mknod(dev, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        cases.append((str(dev), "character device"))
    except PermissionError:
        pass  # not root: the FIFO and directory cases still run
    return cases


def test_special_files_are_refused_without_reading(tmp_path):
    for path, what in _special_inputs(tmp_path):
        p = run("check", "--color", "never", path)          # a FIFO must not hang
        assert p.returncode == 1, (what, p.stderr)
        assert "error[E0001]" in p.stderr and what in p.stderr and "not a regular file" in p.stderr
        p = run("import", path)
        assert p.returncode == 1 and "E0001" in p.stderr and what in p.stderr, (what, p.stderr)


def test_special_files_are_refused_as_imports(tmp_path):
    for path, what in _special_inputs(tmp_path):
        spec = write(tmp_path, "main.signals", 'import "%s"\n' % os.path.basename(path))
        p = run("check", "--color", "never", spec)
        assert p.returncode == 1
        assert "main.signals:1:8: error[E0001]" in p.stderr and what in p.stderr, p.stderr


def test_oversized_inputs_are_refused(tmp_path):
    big = tmp_path / "big.signals"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)                 # sparse: no disk used
    p = run("check", str(big))
    assert p.returncode == 1 and "E0001" in p.stderr and "larger than 64 MiB" in p.stderr
    spec = write(tmp_path, "main.signals", 'import "big.signals"\n')
    p = run("check", spec)
    assert p.returncode == 1 and "larger than 64 MiB" in p.stderr
    big_json = tmp_path / "big.json"
    os.link(big, big_json)
    p = run("import", str(big_json))
    assert p.returncode == 1 and "larger than 64 MiB" in p.stderr
    # Standard input is capped too (64 MiB + 1 of zeros, streamed).
    p = subprocess.run([SIGNALSC, "check", "-"], input=b"\0" * (64 * 1024 * 1024 + 1),
                       capture_output=True, timeout=60)
    assert p.returncode == 1 and b"larger than 64 MiB" in p.stderr


def test_a_file_of_exactly_64_mib_is_read(tmp_path):
    f = tmp_path / "limit.signals"
    with open(f, "wb") as out:
        out.write(b"#")
        out.truncate(64 * 1024 * 1024)                  # NUL bytes after the comment
    p = run("check", "--color", "never", str(f))
    assert p.returncode == 1 and "E0002" in p.stderr     # read, then refused as text


# --- diagnostics: valid UTF-8 JSON, no raw control characters in text ------

def run_bytes(*args):
    return subprocess.run([SIGNALSC, *args], capture_output=True, cwd=ROOT, timeout=60)


NASTY_NAME = b"a\x1b]0;owned\x07\xff\xe2\x80\xae.signals"   # OSC, BEL, bad byte, RLO
NASTY_SOURCE = b"attribute x = counter() from e\x1b[31m\xe2\x80\xae zz\n"


def test_json_diagnostics_are_utf8_whatever_the_file_name(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), NASTY_NAME)
    with open(path, "wb") as f:
        f.write(NASTY_SOURCE)
    p = run_bytes("check", "--format", "json", path)
    assert p.returncode == 1
    lines = p.stderr.splitlines()
    assert lines
    for line in lines:
        d = json.loads(line.decode("utf-8"))              # strict: valid UTF-8
        assert d["span"]["file"].endswith("a\x1b]0;owned\x07\ufffd\u202e.signals")
    # A file that cannot be read: the name is in the message.
    missing = os.path.join(os.fsencode(tmp_path), b"gone\xff\x1b.signals")
    p = run_bytes("check", "--format", "json", missing)
    d = json.loads(p.stderr.decode("utf-8"))
    assert d["code"] == "E0001" and "gone\ufffd\x1b.signals" in d["message"]


def test_text_diagnostics_escape_control_characters(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), NASTY_NAME)
    with open(path, "wb") as f:
        f.write(NASTY_SOURCE)
    p = run_bytes("check", "--color", "never", path)
    assert p.returncode == 1
    err = p.stderr.decode("utf-8")                       # strict: valid UTF-8
    for raw in ("\x1b", "\x07", "\u202e", "\ufffd"):
        assert raw not in err, repr(raw)
    assert "a\\x1b]0;owned\\x07\\xff\\u202e.signals:1:31: error[E0102]" in err
    lines = err.splitlines()
    src = "attribute x = counter() from e\\x1b[31m\\u202e zz"
    assert lines[1] == " 1 | " + src
    # The carets stay under what they point at, escapes included.
    assert lines[2] == "   | " + " " * len("attribute x = counter() from e") + "^~~~ " \
        "not allowed in .signals source"
    caret = lines[5].index("^") - len("   | ")
    assert src[caret] == "["
    caret = lines[8].index("^") - len("   | ")
    assert src[caret:].startswith("m\\u202e") and lines[8].count("~") == len("\\u202e")
    # A file name in a message (E0001) is escaped the same way.
    p = run_bytes("check", os.path.join(os.fsencode(tmp_path), b"x\x1b[2J.signals"))
    assert b"\x1b" not in p.stderr and b"x\\x1b[2J.signals" in p.stderr


def test_text_diagnostics_keep_colour_codes_of_their_own(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"c.signals")
    with open(path, "wb") as f:
        f.write(NASTY_SOURCE)
    err = run_bytes("check", "--color", "always", path).stderr
    assert b"\x1b[1;31m" in err and b"\x1b[31m" not in err   # ours only, not the file's


# --- signalsc import: no JSON value becomes spec text unchecked -------------

EVENT = {"name": "e", "vendor": "com.acme", "version": "1-0-0"}


def group(**over):
    g = {"name": "g", "attribute_key": {"name": "domain_userid"}, "owner": "o@example.com",
         "attributes": [{"name": "n", "type": "int64", "aggregation": "counter",
                         "events": [dict(EVENT)]}]}
    g.update(over)
    return g


def attr(**over):
    a = {"name": "n", "type": "int64", "aggregation": "counter", "events": [dict(EVENT)]}
    a.update(over)
    return a


def run_import(tmp_path, body, name="in.json"):
    f = tmp_path / name
    f.write_bytes(body if isinstance(body, bytes) else json.dumps(body).encode())
    return run_bytes("import", str(f))


def assert_import_error(p, code, path):
    err = p.stderr.decode("utf-8")
    assert p.returncode == 1, err
    assert p.stdout == b"", p.stdout                      # nothing written
    assert "error[%s]" % code in err and (": %s: " % path) in err, err


INJECT = 'x\nimport "/etc/passwd"\nevent z = iglu:com.acme/z'


@pytest.mark.parametrize("body, path", [
    (group(name=INJECT), "$.name"),
    (group(attribute_key={"name": INJECT}), "$.attribute_key.name"),
    (group(attribute_key={"name": "k", "key": INJECT}), "$.attribute_key.key"),
    (group(attributes=[attr(name=INJECT)]), "$.attributes[0].name"),
    (group(attributes=[attr(events=[dict(EVENT, vendor=INJECT)])]),
     "$.attributes[0].events[0].vendor"),
    (group(attributes=[attr(events=[dict(EVENT, name=INJECT)])]),
     "$.attributes[0].events[0].name"),
    (group(attributes=[attr(events=[dict(EVENT, version="1-0-0\nimport \"x\"")])]),
     "$.attributes[0].events[0].version"),
    (group(attributes=[attr(events=[dict(EVENT, version="1-*-0")])]),
     "$.attributes[0].events[0].version"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property={"type": "entity", "vendor": "com.acme\n", "name": "p",
                                      "major_version": 1, "path": "price"})]),
     "$.attributes[0].property.vendor"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property={"type": "entity", "vendor": "com.acme", "name": "p",
                                      "major_version": 1, "path": "a\nimport \"x\""})]),
     "$.attributes[0].property.path"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property="contexts_com_acme_p\"x_1[0].price")]),
     "$.attributes[0].property"),
    (group(attributes=[], fields=[{"name": INJECT, "type": "string"}],
           batch_source={"name": "s", "database": "d", "schema": "s", "table": "t",
                         "timestamp_field": "ts"}), "$.fields[0].name"),
    (group(attributes=[], fields=[{"name": "f", "type": "string"}],
           batch_source={"name": "s", "database": "d", "schema": "s", "table": INJECT,
                         "timestamp_field": "ts"}), "$.batch_source.table"),
    ({"name": "svc", "attribute_groups": [{"name": INJECT, "version": 1}]},
     "$.attribute_groups[0].name"),
    ([group(), {"name": "svc", "views": [{"name": "g", "version": 1}, {"name": "g x"}]}],
     "$[1].views[1].name"),
])
def test_import_refuses_values_that_would_inject_spec_text(tmp_path, body, path):
    assert_import_error(run_import(tmp_path, body), "E0932", path)


@pytest.mark.parametrize("body, path", [
    (group(version=1e300), "$.version"),
    (group(version=-1), "$.version"),
    (group(version=2.5), "$.version"),
    (group(version=0), "$.version"),
    (group(version=2147483648), "$.version"),
    (group(ttl=1e300), "$.ttl"),
    (group(ttl=-1), "$.ttl"),
    (group(ttl="-P1D"), "$.ttl"),
    (group(ttl=0), "$.ttl"),                    # the language has no zero ttl
    (group(attributes=[attr(period=2.5)]), "$.attributes[0].period"),
    (group(attributes=[attr(period=9.3e18)]), "$.attributes[0].period"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property={"type": "entity", "vendor": "com.acme", "name": "p",
                                      "major_version": 1e300, "path": "price"})]),
     "$.attributes[0].property.major_version"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property={"type": "entity", "vendor": "com.acme", "name": "p",
                                      "major_version": 1, "index": -1, "path": "price"})]),
     "$.attributes[0].property.index"),
    (group(attributes=[attr(aggregation="sum", type="double",
                            property="contexts_com_acme_p_99999999999[0].price")]),
     "$.attributes[0].property"),
    ({"name": "svc", "views": [{"name": "g", "version": 1e300}]}, "$.views[0].version"),
])
def test_import_range_checks_integers(tmp_path, body, path):
    assert_import_error(run_import(tmp_path, body), "E0932", path)


def test_import_range_checks_literals(tmp_path):
    big = b'{"name": "g", "attribute_key": {"name": "domain_userid"}, "attributes": [' \
          b'{"name": "n", "type": "int64", "aggregation": "counter", "default_value": %s,' \
          b' "events": [{"name": "e", "vendor": "com.acme", "version": "1-0-0"}]}]}'
    for lit in (b"99999999999999999999", b"1e400", b"-1e400"):
        assert_import_error(run_import(tmp_path, big % lit), "E0932",
                            "$.attributes[0].default_value")


def test_import_refuses_invalid_utf8_and_nul(tmp_path):
    p = run_import(tmp_path, b'{"name": "g\xff"}')
    assert p.returncode == 1 and b"E0930" in p.stderr and b"not UTF-8" in p.stderr
    p = run_import(tmp_path, b'{"name": "g\\u0000\\nimport \\"x\\""}')
    assert p.returncode == 1 and b"E0930" in p.stderr and b"u0000" in p.stderr


def test_import_escapes_text_and_the_file_name(tmp_path):
    body = group(description='a"\nimport "/etc/passwd"\n\u202e\x7f\x85 \\',
                 tags={'k"\n': 'v\nimport "x"'})
    p = run_import(tmp_path, body, name='in\nimport "x"\n.json')
    assert p.returncode == 0, p.stderr
    spec = p.stdout.decode("utf-8")
    assert not any(line.startswith("import") for line in spec.splitlines()), spec
    assert spec.splitlines()[0] == '# Imported from %s/in\\x0aimport "x"\\x0a.json by ' \
        'signalsc import.' % tmp_path
    assert r'description "a\"\nimport \"/etc/passwd\"\n\u202e\u007f\u0085 \\"' in spec
    # What was written checks, and means what the JSON said.
    out = tmp_path / "spec.signals"
    out.write_text(spec)
    m = run("debug", "model", str(out))
    assert m.returncode == 0, m.stderr
    view = json.loads(m.stdout)["views"][0]
    assert view["description"] == body["description"]
    assert view["tags"] == body["tags"]


def test_import_never_writes_a_spec_that_does_not_check(tmp_path):
    # Two groups with the same name and version: each one is valid, the
    # spec is not. The checker's error comes back as E0935, nothing written.
    other = group(attributes=[attr(name="m")])
    p = run_import(tmp_path, [group(), other])
    err = p.stderr.decode()
    assert p.returncode == 1 and p.stdout == b""
    assert "error[E0935]" in err and "E0302" in err, err
    out = tmp_path / "out.signals"
    p = run_bytes("import", "-o", str(out), str(tmp_path / "in.json"))
    assert p.returncode == 1 and not out.exists()


def test_usage_errors_are_utf8_json_and_escaped_text():
    p = run_bytes("check", "--format", "json", b"--bogus\xff\x1b]0;x\x07")
    assert p.returncode == 2
    d = json.loads(p.stderr.decode("utf-8"))
    assert d["code"] == "E0004" and "\ufffd\x1b]0;x\x07" in d["message"]
    p = run_bytes("check", b"--bogus\xff\x1b]0;x\x07")
    assert p.returncode == 2
    assert b"\x1b" not in p.stderr and b"\x07" not in p.stderr
    assert b"--bogus\\xff\\x1b]0;x\\x07" in p.stderr
