"""Outputs never destroy the user's data: a recompile replaces only the files
signalsc generated before, a one-file output only a file signalsc wrote,
every replacement is atomic (SIGKILL at any instant), and standard output
errors are reported. Everything happens inside pytest's tmp_path: device
nodes and FIFOs are private ones made there, never /dev."""
import json
import os
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.path.abspath(os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc")))
MARKER = ".signalsc-output"

HEAD = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = counter() from page_view
attribute first_source: string = first(mkt_source) from page_view
"""
VIEW_A = """
view users_a v1 {
    entity domain_userid
    offline true
    attributes page_views
}
"""
VIEW_B = """
view users_b v1 {
    entity domain_userid
    offline true
    attributes first_source
}
"""
TWO_VIEWS = HEAD + VIEW_A + VIEW_B
ONE_VIEW = HEAD + VIEW_A
API_JSON = json.dumps({"name": "v", "version": 1, "entity": {"name": "user", "key": "user_id"},
                       "attributes": [{"name": "n", "type": "int32", "events": [
                           {"vendor": "com.acme", "name": "e", "version": "1-0-0"}],
                           "aggregation": "counter"}]})


def run(*args, cwd=None, stdout=subprocess.PIPE):
    return subprocess.run([SIGNALSC, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          cwd=cwd, timeout=120)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def snapshot(root, skip=()):
    """Every entry under `root`: relative path -> (kind, content, inode)."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if rel.split(os.sep)[0] in skip:
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p), st.st_ino)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, None)
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    out[rel] = ("file", f.read(), st.st_ino)
            else:
                out[rel] = ("special", stat.S_IFMT(st.st_mode), st.st_ino)
    return out


def add_user_files(project):
    """What a user and dbt put into a generated project."""
    write(project / "target" / "manifest.json", '{"nodes": {}}')
    write(project / "target" / "run" / "x.sql", "select 1")
    write(project / "logs" / "dbt.log", "log line\n")
    write(project / "dbt_packages" / "pkg" / "dbt_project.yml", "name: pkg\n")
    (project / "signals.duckdb").write_bytes(os.urandom(4096))
    (project / "signals.duckdb.wal").write_bytes(b"wal")
    write(project / "macros" / "custom.sql", "{% macro m() %}1{% endmacro %}")
    write(project / "NOTES.md", "my notes")
    write(project / "models" / "custom.sql", "select 42 as answer")
    write(project / "models" / "mine" / "deep.sql", "select 43")
    (project / "empty_dir").mkdir()
    os.symlink("NOTES.md", project / "notes_link")
    os.mkfifo(project / "a_fifo")


USER = ("target", "logs", "dbt_packages", "signals.duckdb", "signals.duckdb.wal", "macros",
        "NOTES.md", "empty_dir", "notes_link", "a_fifo")


def user_view(snap):
    return {k: v for k, v in snap.items()
            if k.split(os.sep)[0] in USER or k.startswith(os.path.join("models", "custom.sql"))
            or k.startswith(os.path.join("models", "mine"))}


def leftovers(d):
    return [n for n in os.listdir(d) if ".signalsc-" in n or ".tmp." in n or ".old." in n]


# ------------------------------------------------------------ directories

def test_recompile_keeps_user_and_dbt_files(tmp_path):
    spec = write(tmp_path / "s.signals", TWO_VIEWS)
    project = tmp_path / "project"
    assert run("compile", "-o", str(project), spec).returncode == 0
    add_user_files(project)
    before = user_view(snapshot(project))
    assert run("compile", "-o", str(project), spec).returncode == 0
    after = snapshot(project)
    assert user_view(after) == before          # same bytes, same inodes
    assert (project / "dbt_project.yml").exists()
    assert leftovers(tmp_path) == []
    # The generated .gitignore still keeps dbt's folders and the database out.
    ignored = (project / ".gitignore").read_text().split()
    for pattern in ("target/", "logs/", "*.duckdb", "*.duckdb.wal"):
        assert pattern in ignored


def test_removed_view_files_go_and_their_empty_folders_too(tmp_path):
    spec = tmp_path / "s.signals"
    project = tmp_path / "project"
    write(spec, TWO_VIEWS)
    assert run("compile", "-o", str(project), str(spec)).returncode == 0
    gone = [p for p in snapshot(project) if "users_b" in p]
    assert gone
    write(project / "models" / "users_a_v1" / "mine.sql", "select 1")  # user file in a generated dir
    write(spec, ONE_VIEW)
    assert run("compile", "-o", str(project), str(spec)).returncode == 0
    now = snapshot(project)
    assert not [p for p in now if "users_b" in p], now.keys()
    assert (project / "models" / "users_a_v1" / "mine.sql").read_text() == "select 1"
    manifest = (project / MARKER).read_text().splitlines()
    assert manifest[0].startswith("# signalsc output manifest")
    listed = sorted(line for line in manifest if not line.startswith("#"))
    generated = sorted(p for p, v in now.items() if v[0] == "file" and p != MARKER
                       and p != os.path.join("models", "users_a_v1", "mine.sql"))
    assert listed == generated


def test_legacy_marker_replaces_only_what_it_generates_now(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    project = tmp_path / "p"
    assert run("compile", "-o", str(project), spec).returncode == 0
    # As the previous version left it: a one-line marker, no manifest.
    (project / MARKER).write_text(
        "This directory was generated by signalsc and is replaced on every compile.\n")
    (project / "dbt_project.yml").write_text("stale")
    write(project / "models" / "old_view_v1" / "x.sql", "stale generated, now unknown")
    add_user_files(project)
    before = user_view(snapshot(project))
    assert run("compile", "-o", str(project), spec).returncode == 0
    assert (project / "dbt_project.yml").read_text() != "stale"
    assert user_view(snapshot(project)) == before
    # Unknown files are kept (documented): never guess that they were ours.
    assert (project / "models" / "old_view_v1" / "x.sql").exists()
    assert (project / MARKER).read_text().startswith("# signalsc output manifest")


def test_user_file_where_the_new_output_writes_is_refused(tmp_path):
    spec = tmp_path / "s.signals"
    project = tmp_path / "p"
    write(spec, ONE_VIEW)
    assert run("compile", "-o", str(project), str(spec)).returncode == 0
    mine = write(project / "models" / "users_b_v1" / "users_b_v1_events.sql", "mine")
    before = snapshot(project)
    write(spec, TWO_VIEWS)
    p = run("compile", "--color", "never", "-o", str(project), str(spec))
    assert p.returncode == 1
    assert "E0903" in p.stderr and "not generated by signalsc" in p.stderr, p.stderr
    assert snapshot(project) == before
    assert open(mine).read() == "mine"
    # A folder of the user's where the new output writes a file.
    os.remove(mine)
    write(project / "models" / "users_b_v1" / "users_b_v1_events.sql" / "x", "mine")
    before = snapshot(project)
    p = run("compile", "--color", "never", "-o", str(project), str(spec))
    assert p.returncode == 1 and "not generated by signalsc" in p.stderr, p.stderr
    assert snapshot(project) == before
    assert leftovers(tmp_path) == []


def test_foreign_directory_and_symlink_destinations_are_refused(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    mine = tmp_path / "mine"
    write(mine / "notes.txt", "keep")
    p = run("compile", "-o", str(mine), spec)
    assert p.returncode == 1 and "refusing" in p.stderr
    assert (mine / "notes.txt").read_text() == "keep"
    project = tmp_path / "p"
    assert run("compile", "-o", str(project), spec).returncode == 0
    os.symlink("p", tmp_path / "link")
    p = run("compile", "-o", str(tmp_path / "link"), spec)
    assert p.returncode == 1 and "symbolic link" in p.stderr
    assert os.readlink(tmp_path / "link") == "p"


def test_parents_are_created_and_a_trailing_slash_works(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    out = tmp_path / "a" / "b" / "project"
    assert run("compile", "-o", str(out) + "/", spec).returncode == 0
    assert (out / "dbt_project.yml").exists()
    assert run("compile", "-o", str(out) + "//", spec).returncode == 0
    sql = tmp_path / "x" / "y" / "attrs.sql"
    assert run("compile", "--backend", "ddl", "-o", str(sql), spec).returncode == 0
    assert sql.read_text().startswith("-- Generated by signalsc")
    assert leftovers(out.parent) == [] and leftovers(sql.parent) == []


def test_errors_name_the_users_path_not_a_temporary_one(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    (tmp_path / "afile").write_text("x")
    p = run("compile", "-o", str(tmp_path / "afile" / "project"), spec)
    assert p.returncode == 1
    assert str(tmp_path / "afile") in p.stderr
    assert "signalsc-" not in p.stderr and ".tmp." not in p.stderr
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:   # root ignores permissions
        ro.chmod(0o555)
        p = run("compile", "-o", str(ro / "project"), spec)
        assert p.returncode == 1 and str(ro / "project") in p.stderr
        assert "signalsc-" not in p.stderr


# ---------------------------------------------------------- one-file outputs

def test_one_file_output_never_replaces_an_input(tmp_path):
    spec = tmp_path / "spec.signals"
    write(spec, ONE_VIEW)
    p = run("compile", "--backend", "ddl", "-o", str(spec), str(spec))
    assert p.returncode == 1 and "input" in p.stderr
    assert spec.read_text() == ONE_VIEW
    # The same file by another name, and an imported file.
    os.link(spec, tmp_path / "alias.signals")
    assert run("compile", "--backend", "ddl", "-o", str(tmp_path / "alias.signals"),
               str(spec)).returncode == 1
    write(tmp_path / "main.signals", 'import "spec.signals"\n')
    p = run("compile", "--backend", "ddl", "-o", str(spec), str(tmp_path / "main.signals"))
    assert p.returncode == 1 and "input" in p.stderr
    assert spec.read_text() == ONE_VIEW
    # import -o over its own input.
    js = tmp_path / "defs.json"
    js.write_text(API_JSON)
    p = run("import", "-o", str(js), str(js))
    assert p.returncode == 1 and "input" in p.stderr
    assert js.read_text() == API_JSON
    assert leftovers(tmp_path) == []


def test_one_file_output_replaces_only_its_own_files(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    sql = tmp_path / "attrs.sql"
    assert run("compile", "--backend", "ddl", "-o", str(sql), spec).returncode == 0
    assert run("compile", "--backend", "ddl", "-o", str(sql), spec).returncode == 0
    foreign = tmp_path / "foreign.sql"
    foreign.write_text("select 'mine';\n")
    p = run("compile", "--backend", "ddl", "-o", str(foreign), spec)
    assert p.returncode == 1 and "not written by signalsc" in p.stderr
    assert foreign.read_text() == "select 'mine';\n"
    # import writes a recognisable header, so it can replace its own output.
    js = write(tmp_path / "defs.json", API_JSON)
    out = tmp_path / "imported.signals"
    assert run("import", "-o", str(out), js).returncode == 0
    assert run("import", "-o", str(out), js).returncode == 0
    assert out.read_text().startswith("# Imported from")
    p = run("import", "-o", str(foreign), js)
    assert p.returncode == 1
    assert foreign.read_text() == "select 'mine';\n"
    assert leftovers(tmp_path) == []


def test_one_file_output_refuses_links_directories_and_special_files(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink("victim.txt", tmp_path / "link.sql")
    os.symlink("nowhere", tmp_path / "dangling.sql")
    (tmp_path / "dir.sql").mkdir()
    os.mkfifo(tmp_path / "fifo.sql")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.sql"))
    targets = {"link.sql": "symbolic link", "dangling.sql": "symbolic link",
               "dir.sql": "directory", "fifo.sql": "FIFO", "sock.sql": "socket"}
    if os.geteuid() == 0:   # a private device node (/dev/null's numbers), never /dev itself
        os.mknod(tmp_path / "null.sql", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets["null.sql"] = "device"
    before = snapshot(tmp_path)
    try:
        for name, why in targets.items():
            for cmd in (["compile", "--backend", "ddl", "-o", str(tmp_path / name), spec],
                        ["import", "-o", str(tmp_path / name),
                         write(tmp_path / "in" / "d.json", API_JSON)]):
                p = run(*cmd)
                assert p.returncode == 1, (name, p.stderr)
                assert why in p.stderr, (name, p.stderr)
        shutil.rmtree(tmp_path / "in")
        assert snapshot(tmp_path) == before
        assert victim.read_text() == "precious"
        assert not os.path.exists(tmp_path / "nowhere")
    finally:
        sock.close()


def test_dash_writes_one_file_to_stdout(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    p = run("compile", "--backend", "ddl", "-o", "-", spec, cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("-- Generated by signalsc")
    p = run("import", "-o", "-", write(tmp_path / "d.json", API_JSON), cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("# Imported from")
    p = run("compile", "-o", "-", spec, cwd=tmp_path)       # a directory cannot
    assert p.returncode == 1 and "standard output" in p.stderr
    assert sorted(os.listdir(tmp_path)) == ["d.json", "s.signals"]   # no file named "-"


# ----------------------------------------------------------- standard output

def full_device(tmp_path):
    """A file whose writes fail with ENOSPC: a private /dev/full node as root,
    else /dev/full itself (opened for writing only, never replaced)."""
    if os.geteuid() == 0:
        p = tmp_path / "full"
        os.mknod(p, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        return str(p)
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    return "/dev/full"


@pytest.mark.parametrize("args", [
    ["import", "{json}"], ["debug", "model", "{spec}"], ["compile", "--backend", "ddl", "-o", "-",
                                                         "{spec}"], ["codes"], ["explain", "E0301"]])
def test_stdout_write_errors_are_reported(tmp_path, args):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    js = write(tmp_path / "d.json", API_JSON)
    args = [a.format(spec=spec, json=js) for a in args]
    with open(full_device(tmp_path), "w") as full:
        p = run(*args, stdout=full, cwd=tmp_path)   # an old binary wrote a file "-" into the cwd
    assert p.returncode == 1, p.stderr
    assert "standard output" in p.stderr


# -------------------------------------------------------------- crash safety

def generated_view(root):
    return {k: v[1] for k, v in snapshot(root).items()
            if v[0] == "file" and k.split(os.sep)[0] not in USER
            and not k.startswith(os.path.join("models", "custom.sql"))
            and not k.startswith(os.path.join("models", "mine"))}


def test_sigkill_at_any_moment_leaves_old_or_new_output(tmp_path):
    gen = os.path.join(ROOT, "bench", "gen_spec.py")
    specs = []
    for name, views in (("a", 20), ("b", 24)):
        text = subprocess.run([sys.executable, gen, str(views), "20"], capture_output=True,
                              text=True, check=True).stdout
        specs.append(write(tmp_path / f"{name}.signals", text))
    refs = []
    for i, s in enumerate(specs):
        ref = tmp_path / f"ref{i}"
        assert run("compile", "--project-name", "big", "-o", str(ref), s).returncode == 0
        refs.append(generated_view(ref))
    assert refs[0] != refs[1]
    project = tmp_path / "work" / "project"
    assert run("compile", "--project-name", "big", "-o", str(project), specs[0]).returncode == 0
    add_user_files(project)
    users = user_view(snapshot(project))
    t0 = time.perf_counter()
    assert run("compile", "--project-name", "big", "-o", str(project), specs[1]).returncode == 0
    took = time.perf_counter() - t0
    rng = random.Random(1234)
    seen = set()
    for i in range(50):
        proc = subprocess.Popen([SIGNALSC, "compile", "--project-name", "big", "-o", str(project),
                                 specs[i % 2]], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, took * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = generated_view(project)
        assert now in refs, f"iteration {i}: neither the old nor the new output"
        seen.add(refs.index(now))
        assert user_view(snapshot(project)) == users, f"iteration {i}: user files changed"
    # The next run cleans up whatever the killed ones left next to the project.
    assert run("compile", "--project-name", "big", "-o", str(project), specs[0]).returncode == 0
    assert generated_view(project) == refs[0]
    assert user_view(snapshot(project)) == users
    assert leftovers(project.parent) == []
    assert seen == {0, 1}


NO_RENAMEAT2 = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
/* As on a file system without renameat2 flags: EINVAL. */
long syscall(long n, ...)
{
    va_list ap;
    va_start(ap, n);
    long a[6];
    for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
    if (n == SYS_renameat2) { errno = EINVAL; return -1; }
    long (*real)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
    return real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}
"""


def test_fallback_without_rename_exchange_keeps_user_files(tmp_path):
    cc = shutil.which("cc")
    if not cc or "asan" in SIGNALSC:
        pytest.skip("needs cc and a binary without sanitizers")
    (tmp_path / "shim.c").write_text(NO_RENAMEAT2)
    shim = tmp_path / "shim.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(shim), str(tmp_path / "shim.c"), "-ldl"],
                   check=True)
    env = dict(os.environ, LD_PRELOAD=str(shim))
    spec = tmp_path / "s.signals"
    project = tmp_path / "work" / "project"
    write(spec, TWO_VIEWS)

    def sc(*args):
        return subprocess.run([SIGNALSC, *args], capture_output=True, text=True, env=env,
                              timeout=120)
    assert sc("compile", "-o", str(project), str(spec)).returncode == 0
    add_user_files(project)
    before = user_view(snapshot(project))
    write(spec, ONE_VIEW)
    p = sc("compile", "-o", str(project), str(spec))
    assert p.returncode == 0, p.stderr
    assert user_view(snapshot(project)) == before
    assert not [k for k in snapshot(project) if "users_b" in k]
    sql = tmp_path / "work" / "x.sql"
    assert sc("compile", "--backend", "ddl", "-o", str(sql), str(spec)).returncode == 0
    assert sc("compile", "--backend", "ddl", "-o", str(sql), str(spec)).returncode == 0
    assert leftovers(project.parent) == []


def test_next_run_restores_a_tree_set_aside_by_a_killed_run(tmp_path):
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    project = tmp_path / "project"
    assert run("compile", "-o", str(project), spec).returncode == 0
    add_user_files(project)
    before = user_view(snapshot(project))
    # The fallback's window: the old tree renamed aside, the new one not yet in.
    os.rename(project, tmp_path / ".project.signalsc-old.AbC123")
    os.mkdir(tmp_path / ".project.signalsc-stage.XyZ789")
    assert run("compile", "-o", str(project), spec).returncode == 0
    assert user_view(snapshot(project)) == before
    assert leftovers(tmp_path) == []


def test_a_failed_clean_up_is_an_error_and_the_next_run_finishes_it(tmp_path):
    chattr = shutil.which("chattr")
    spec = write(tmp_path / "s.signals", ONE_VIEW)
    project = tmp_path / "work" / "project"
    assert run("compile", "-o", str(project), spec).returncode == 0
    readme = project / "README.md"
    # An immutable generated file (chattr +i; root on ext4 and the like) cannot
    # be removed from the previous tree after the swap.
    if not chattr or subprocess.run([chattr, "+i", str(readme)],
                                    capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        p = run("compile", "--color", "never", "-o", str(project), spec)
        assert p.returncode == 1, p.stderr
        assert "the new output is in" in p.stderr and str(project) in p.stderr
        assert (project / "dbt_project.yml").exists()
    finally:
        for d, _, files in os.walk(project.parent):
            for f in files:
                subprocess.run([chattr, "-i", os.path.join(d, f)], capture_output=True)
    assert leftovers(project.parent)          # the previous tree is still there
    assert run("compile", "-o", str(project), spec).returncode == 0
    assert leftovers(project.parent) == []


# ------------------------------------------------------------- real dbt run

def dbt_bin():
    p = os.path.join(os.path.dirname(sys.executable), "dbt")
    return p if os.path.exists(p) else shutil.which("dbt")


def test_recompile_after_a_real_dbt_run_keeps_target_logs_and_database(tmp_path):
    dbt = dbt_bin()
    if not dbt:
        pytest.skip("dbt is not installed")
    pytest.importorskip("duckdb")
    spec = tmp_path / "s.signals"
    project = tmp_path / "project"
    write(spec, TWO_VIEWS)
    assert run("compile", "-o", str(project), str(spec)).returncode == 0
    db = project / "signals.duckdb"
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_events.py"), "--db", str(db),
                    "--days", "2", "--users", "2", "--quiet"], check=True, timeout=300)
    env = dict(os.environ, SIGNALS_DUCKDB_PATH=str(db), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               DO_NOT_TRACK="1")
    r = subprocess.run([dbt, "run", "--project-dir", str(project), "--profiles-dir", str(project),
                        "--vars", '{"today": "2025-03-31"}', "--no-use-colors"],
                       cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-5000:]
    assert (project / "target").is_dir() and (project / "logs").is_dir() and db.exists()
    write(project / "macros" / "custom.sql", "{% macro m() %}1{% endmacro %}")
    write(project / "models" / "custom.sql", "select 42 as answer")
    write(project / "notes" / "todo.txt", "ship it")
    keep = ("target", "logs", "signals.duckdb", "macros", "notes")
    before = {k: v for k, v in snapshot(project).items()
              if k.split(os.sep)[0] in keep or k == os.path.join("models", "custom.sql")}
    write(spec, ONE_VIEW)
    assert run("compile", "-o", str(project), str(spec)).returncode == 0
    after = snapshot(project)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not [p for p in after if "users_b" in p and not p.startswith(("target", "logs"))]
    assert leftovers(tmp_path) == []
