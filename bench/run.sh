#!/bin/sh
# Compiler benchmarks. Prints, per input, for `signalsc check` and
# `signalsc compile`: the best wall time and the best CPU time (user + system)
# of N runs, the peak resident set (ru_maxrss, the largest of the runs) and,
# with valgrind, the exact instruction count (callgrind; repeatable whatever
# the machine's load). CPU time and RSS come from wait4(2) and GNU time.
# Usage: sh bench/run.sh   (after make build)
#   SIGNALSC=path     another binary (e.g. an older build, to compare)
#   BENCH_OUT=dir     where compile writes (default /dev/shm, a tmpfs, when
#                     it exists: the figure then excludes the disk)
#   BENCH_HUGE=0      skip the 105,006-line spec (slow under callgrind)
#   BENCH_VALGRIND=0  skip the instruction counts
set -eu
cd "$(dirname "$0")/.."
sc=${SIGNALSC:-build/signalsc}
outroot=${BENCH_OUT:-}
if [ -z "$outroot" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then outroot=/dev/shm; else outroot=${TMPDIR:-/tmp}; fi
fi
tmp=$(mktemp -d)
out=$(mktemp -d "$outroot/signalsc-bench.XXXXXX")
trap 'rm -rf "$tmp" "$out"' EXIT
python3 bench/gen_spec.py 10 20 > "$tmp/small.signals"     #    200 attributes,     456 lines
python3 bench/gen_spec.py 10 50 > "$tmp/medium.signals"    #    500 attributes,   1,056 lines (a save hook's file)
python3 bench/gen_spec.py 100 50 > "$tmp/large.signals"    #  5,000 attributes,  10,506 lines
inputs="examples/ecommerce.signals $tmp/small.signals $tmp/medium.signals $tmp/large.signals"
if [ "${BENCH_HUGE:-1}" != 0 ]; then
    python3 bench/gen_spec.py 1000 50 > "$tmp/huge.signals" # 50,000 attributes, 105,006 lines
    inputs="$inputs $tmp/huge.signals"
fi
printf '%-36s %11s %11s %9s %15s\n' "benchmark" "best wall" "best cpu" "peak RSS" "instructions"
for f in $inputs; do
    [ -f "$f" ] || continue
    lines=$(wc -l < "$f")
    case $f in *huge*) n=5 ;; *large*) n=10 ;; *) n=20 ;; esac
    for cmd in check compile; do
        if [ "$cmd" = check ]; then set -- check "$f"; else set -- compile -o "$out/p" "$f"; fi
        times=$(python3 - "$n" "$sc" "$@" <<'PY'
import os, shutil, subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
walls, cpus = [], []
for _ in range(n):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    walls.append(time.perf_counter() - t0)
    cpus.append(ru.ru_utime + ru.ru_stime)
# Peak RSS from GNU time in one more run: a child forked from Python would
# count Python's own pages too.
rss = "-"
if os.path.exists("/usr/bin/time"):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    kb = r.stderr.strip().splitlines()[-1]
    if kb.isdigit():
        rss = "%.1f MB" % (int(kb) / 1024)
print("%9.2f ms %8.2f ms %9s" % (min(walls) * 1000, min(cpus) * 1000, rss))
PY
)
        ins="-"
        if [ "${BENCH_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
            valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$sc" "$@" >/dev/null 2>"$tmp/cg.err" || true
            ins=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err")
        fi
        printf '%-36s %s %15s\n' "$cmd $(basename "$f") ($lines lines)" "$times" "$ins"
    done
done

if [ "${BENCH_OUTPUT:-1}" != 0 ]; then sh bench/output.sh; fi
