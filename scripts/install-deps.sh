#!/bin/sh
# Installs the system packages signalsc needs to build and test, if missing:
# a C compiler, make, flex, bison, pkg-config (tests/cli checks the
# installed libsignals.pc), cJSON, libcurl, libyaml, python3 with venv,
# valgrind (the test suite runs the CLI under it) and PostgreSQL (the
# warehouse tests start a throwaway server: tests/warehouse/pg.py) and
# clang with libFuzzer for `make fuzz` (tests/fuzz; on Debian bookworm the
# libFuzzer runtime, libclang_rt.fuzzer, is in libclang-rt-14-dev), and
# Node.js with npm for the editor grammars' tests (scripts/test-grammars.sh).
# Debian/Ubuntu only (apt-get); run as root or with sudo available.
set -eu
need=""
command -v cc >/dev/null 2>&1    || need="$need gcc libc6-dev"
command -v make >/dev/null 2>&1  || need="$need make"
command -v flex >/dev/null 2>&1  || need="$need flex"
command -v bison >/dev/null 2>&1 || need="$need bison"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
[ -f /usr/include/cjson/cJSON.h ]        || need="$need libcjson-dev"
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || need="$need libcurl4-openssl-dev"
[ -f /usr/include/yaml.h ]               || need="$need libyaml-dev"
command -v python3 >/dev/null 2>&1 || need="$need python3"
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need="$need python3-venv"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v clang >/dev/null 2>&1 || need="$need clang"
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || need="$need libclang-rt-14-dev"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
    echo "install-deps: installing$need"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
