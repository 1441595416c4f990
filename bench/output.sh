#!/bin/sh
# Cost of writing the output (src/output.c): wall time, best of 5, of
# `signalsc compile` of the large spec (bench/gen_spec.py 100 50).
# Usage: sh bench/output.sh   (after make build; also run by bench/run.sh)
set -eu
cd "$(dirname "$0")/.."
# Writing the output: compile of the large spec into a directory on the
# repository's own file system (not /tmp, which may be tmpfs), fresh and as
# a recompile over its previous output holding a dbt target/ of 1,000 files
# and a 64 MB database (kept: hard-linked into the new tree, never copied).
# SIGNALSC=... compares another binary; BENCH_OUT=DIR writes under DIR
# instead of build/ (e.g. a tmpfs, to see the cost without the disk).
sc=${SIGNALSC:-build/signalsc}
tmp=$(mktemp -d)
out=$(mktemp -d "${BENCH_OUT:-build}/bench-out.XXXXXX")
trap 'rm -rf "$tmp" "$out"' EXIT
python3 bench/gen_spec.py 100 50 > "$tmp/large.signals"    #  5000 attributes
python3 - "$sc" "$tmp/large.signals" "$out" <<'PY'
import os, shutil, subprocess, sys, time
sc, spec, out = sys.argv[1:]
def best(n, setup, cmd):
    times = []
    for _ in range(n):
        setup()
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return "%.2f ms" % (min(times) * 1000)
p = os.path.join(out, "p")
cmd = [sc, "compile", "-o", p, spec]
def clean():
    shutil.rmtree(p, ignore_errors=True)
def dbt_files():
    if not os.path.exists(os.path.join(p, "target")):
        subprocess.run(cmd, check=True)
        for i in range(1000):
            d = os.path.join(p, "target", "run", "m%d" % (i // 100))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "f%d.sql" % i), "w") as f:
                f.write("select %d\n" % i)
        with open(os.path.join(p, "signals.duckdb"), "wb") as f:
            f.write(os.urandom(64 << 20))
    os.sync()
print("%-34s %12s" % ("compile large, new dir", best(5, lambda: (clean(), os.sync()), cmd)))
clean()
print("%-34s %12s" % ("recompile large + user files", best(5, dbt_files, cmd)))
PY
