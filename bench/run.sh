#!/bin/sh
# Compiler benchmarks. Prints, per input, the wall time of `signalsc check`
# and `signalsc compile` (best of N runs) and, with valgrind, the exact
# instruction count (callgrind; repeatable whatever the machine's load).
# Usage: sh bench/run.sh   (after make build)
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen_spec.py 10 20 > "$tmp/small.signals"     #   200 attributes
python3 bench/gen_spec.py 100 50 > "$tmp/large.signals"    #  5000 attributes
best() { # best wall time in ms of N runs of a command
    n=$1; shift
    python3 - "$n" "$@" <<'PY'
import subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(n):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times.append(time.perf_counter() - t0)
print("%.2f ms" % (min(times) * 1000))
PY
}
printf '%-34s %12s %16s\n' "benchmark" "best wall" "instructions"
for f in examples/ecommerce.signals "$tmp/small.signals" "$tmp/large.signals"; do
    [ -f "$f" ] || continue
    lines=$(wc -l < "$f")
    for cmd in check compile; do
        if [ "$cmd" = check ]; then args="check $f"; else args="compile -o $tmp/out $f"; fi
        t=$(best 20 build/signalsc $args)
        ins="-"
        if command -v valgrind >/dev/null 2>&1; then
            valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" build/signalsc $args >/dev/null 2>"$tmp/cg.err" || true
            ins=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err")
        fi
        printf '%-34s %12s %16s\n' "$cmd $(basename "$f") ($lines lines)" "$t" "$ins"
    done
done

sh bench/output.sh
