#!/bin/sh
# Runs the libFuzzer harnesses built by `make fuzz-build`:
#   sh tests/fuzz/run.sh BUILD SECONDS NAME...
# Each NAME runs SECONDS on the corpus BUILD/corpus/NAME (kept between runs;
# new inputs land there), seeded from the repository's own inputs and
# tests/fuzz/corpus/NAME (regression reproducers, committed). A crash stops
# here with status 1; the input is saved as BUILD/crash-NAME-*.
set -eu
build=$1 seconds=$2
shift 2
cd "$(dirname "$0")/../.."
for name in "$@"; do
    seeds="$build/seeds/$name"
    rm -rf "$seeds"
    mkdir -p "$seeds" "$build/corpus/$name"
    case $name in
    compile|roundtrip|fmt) files="examples/*.signals tests/golden/*/*.signals" ;;
    import)  files="tests/api/fixtures/*.json tests/golden/api/*.out/*/*.json" ;;
    *)       files="" ;; # tests/fuzz/corpus/NAME holds its seeds
    esac
    for f in $files; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
    [ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$seeds/"
    case $name in
    compile|import|roundtrip|fmt) max_len=16384 ;;
    *) max_len=4096 ;;
    esac
    d=$name
    [ "$name" = roundtrip ] || [ "$name" = fmt ] && d=compile # the same language
    dict=""
    [ -f "tests/fuzz/$d.dict" ] && dict="-dict=tests/fuzz/$d.dict"
    printf '\n== fuzz %s: %s seconds\n' "$name" "$seconds"
    "$build/fuzz_$name" -max_total_time="$seconds" -max_len=$max_len -rss_limit_mb=2048 -timeout=25 \
        -print_final_stats=1 -artifact_prefix="$build/crash-$name-" $dict \
        "$build/corpus/$name" "$seeds" || { echo "fuzz $name: crash (input in $build/crash-$name-*)"; exit 1; }
done
