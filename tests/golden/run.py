#!/usr/bin/env python3
"""Golden tests: each input spec with its expected diagnostics or generated files.

Layout (paths relative to the repository root, which is the working directory
so that diagnostics show stable relative paths):

  tests/golden/<group>/NAME.signals    the input
  tests/golden/<group>/NAME.expected   `exit: N` then the stderr of the command, verbatim
  tests/golden/<group>/NAME.out/       (compile groups) the expected generated files

Groups and the command each runs:
  syntax, check, cli   signalsc check --color never NAME.signals
  iglu                 the same with --iglu-repo tests/iglu/repo (the schema checks)
  iglu-pulled          plain check: the schemas are in iglu_schemas/ beside the specs
  dbt                  signalsc compile --backend dbt --target duckdb -o TMP NAME.signals
  dbt-<target>         the same with --target <target>
  api                  signalsc compile --backend api --target T -o TMP NAME.signals,
                       T = views for names ending in _views, else attribute-groups
  ddl                  signalsc compile --backend ddl --target snowflake -o TMP/signals.sql NAME.signals
  plan                 signalsc debug plan NAME.signals, its stdout as TMP/plan.json

--update rewrites the expectations from the current signalsc (review the diff).
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "tests", "golden")
MARKER = ".signalsc-output"


def command_for(group, rel_input, outdir):
    if group.startswith("dbt"):
        target = group.split("-", 1)[1] if "-" in group else "duckdb"
        return ["compile", "--color", "never", "--backend", "dbt", "--target", target,
                "-o", outdir, rel_input]
    if group == "ddl":
        os.makedirs(outdir, exist_ok=True)
        return ["compile", "--color", "never", "--backend", "ddl", "--target", "snowflake",
                "-o", os.path.join(outdir, "signals.sql"), rel_input]
    if group == "api":
        name = os.path.basename(rel_input)[:-len(".signals")]
        target = "views" if name.endswith("_views") else "attribute-groups"
        return ["compile", "--color", "never", "--backend", "api", "--target", target,
                "-o", outdir, rel_input]
    if group == "plan":
        return ["debug", "--color", "never", "plan", rel_input]
    if group == "iglu":
        return ["check", "--color", "never", "--iglu-repo", "tests/iglu/repo", rel_input]
    return ["check", "--color", "never", rel_input]


def compiles_files(group):
    return group.startswith("dbt") or group in ("api", "ddl", "plan")


def read_tree(path):
    files = {}
    for dirpath, _, names in os.walk(path):
        for n in names:
            full = os.path.join(dirpath, n)
            rel = os.path.relpath(full, path)
            if rel == MARKER:
                continue
            with open(full, "rb") as f:
                files[rel] = f.read()
    return files


def diff_text(expected, actual, name):
    return "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True),
        fromfile=name + " (expected)", tofile=name + " (actual)"))


def run_case(signalsc, group, name, update):
    rel_input = os.path.join("tests", "golden", group, name + ".signals")
    expected_path = os.path.join(GOLDEN, group, name + ".expected")
    out_expected = os.path.join(GOLDEN, group, name + ".out")
    tmp = tempfile.mkdtemp(prefix="golden-")
    outdir = os.path.join(tmp, "out")
    try:
        proc = subprocess.run([signalsc] + command_for(group, rel_input, outdir),
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        actual = "exit: %d\n%s" % (proc.returncode, proc.stderr)
        if group == "plan":
            os.makedirs(outdir, exist_ok=True)
            with open(os.path.join(outdir, "plan.json"), "w") as f:
                f.write(proc.stdout)
        problems = []
        if update:
            with open(expected_path, "w") as f:
                f.write(actual)
            if compiles_files(group):
                shutil.rmtree(out_expected, ignore_errors=True)
                if os.path.isdir(outdir):
                    shutil.copytree(outdir, out_expected, ignore=shutil.ignore_patterns(MARKER))
            return []
        if not os.path.exists(expected_path):
            return ["missing %s (run make golden-update)" % os.path.relpath(expected_path, ROOT)]
        with open(expected_path) as f:
            expected = f.read()
        if expected != actual:
            problems.append(diff_text(expected, actual, rel_input))
        if compiles_files(group):
            want = read_tree(out_expected) if os.path.isdir(out_expected) else {}
            got = read_tree(outdir) if os.path.isdir(outdir) else {}
            for path in sorted(set(want) | set(got)):
                if path not in got:
                    problems.append("missing generated file %s" % path)
                elif path not in want:
                    problems.append("unexpected generated file %s" % path)
                elif want[path] != got[path]:
                    problems.append(diff_text(want[path].decode(), got[path].decode(), path))
        return problems
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--signalsc", default=os.path.join(ROOT, "build", "signalsc"))
    ap.add_argument("--update", action="store_true")
    ap.add_argument("filter", nargs="?", default="")
    args = ap.parse_args()
    signalsc = os.path.abspath(args.signalsc)
    passed = failed = 0
    for group in sorted(os.listdir(GOLDEN)):
        gdir = os.path.join(GOLDEN, group)
        if not os.path.isdir(gdir):
            continue
        for fn in sorted(os.listdir(gdir)):
            if not fn.endswith(".signals"):
                continue
            name = fn[:-len(".signals")]
            if args.filter and args.filter not in "%s/%s" % (group, name):
                continue
            problems = run_case(signalsc, group, name, args.update)
            if problems:
                failed += 1
                print("FAIL %s/%s" % (group, name))
                for p in problems:
                    print(p)
            else:
                passed += 1
    print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
