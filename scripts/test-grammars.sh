#!/bin/sh
# Tests the editor grammars in editors/ (`make test-grammars`):
#   1. tree-sitter (editors/tree-sitter-signals): the generated parser is
#      committed (src/), so two ways, the same checks:
#      - with a tree-sitter CLI 0.25.10: `tree-sitter generate` must leave
#        the committed src/ unchanged (git diff), then `tree-sitter test`
#        runs the corpus (test/corpus) and highlight tests (test/highlight);
#      - without one (CI: its npm package downloads its binary from GitHub):
#        src/parser.c is compiled with cc and test/run_corpus.py runs the
#        corpus and compiles queries/highlights.scm with the tree-sitter
#        Python bindings (tests/requirements.txt) of $PYTHON, else
#        .venv/bin/python, else python3;
#      either way, every example and every golden input that has no
#      lexical or syntax error (E01xx, E02xx in its .expected) parses
#      without an ERROR or MISSING node;
#   2. TextMate (editors/vscode): vscode-tmgrammar-test checks the scopes
#      asserted in editors/vscode/test/*.signals; the same inputs as above
#      tokenize without an `invalid.*` scope or an unclosed block
#      (test/tokenize.js); extension.js, loaded with stand-ins for VS Code's
#      modules, starts `signalsc lsp` over stdio (test/extension.js);
#   3. every keyword of src/keywords.def is in both grammars' tests.
#
# The npm tools are installed into each folder's node_modules (gitignored)
# with a throwaway npm cache. The CLI is, in this order: TREE_SITTER=/path,
# node_modules, ${XDG_CACHE_HOME:-~/.cache}/signalsc/tree-sitter-cli-0.25.10,
# npm. SIGNALSC_BUILD_TREE_SITTER=1 builds it from crates.io with cargo into
# that cache when all fail (about 11 minutes, once). Without a CLI the
# script takes seconds; the tree-sitter part is SKIPPED only when there is
# no C compiler or no tree_sitter module either.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

TS_VERSION=0.25.10
TMTEST_VERSION=0.1.3
TS_DIR=editors/tree-sitter-signals
VS_DIR=editors/vscode

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# At most 5 minutes per install: a registry that hangs must not hang CI.
npm_here() {
    (cd "$1" && shift && timeout 300 npm install --no-save --no-package-lock --no-audit --no-fund \
        --loglevel=error --cache "$tmp/npm-cache" "$@")
}

failed=0
skipped=""

# ---------------------------------------------------------------- keywords
keywords=$(sed -n 's/^SIG_KEYWORD([A-Z_]*, "\([a-z_]*\)".*/\1/p' src/keywords.def)
[ -n "$keywords" ] || { echo "test-grammars: no keyword in src/keywords.def"; exit 1; }
missing=""
for k in $keywords; do
    # The TextMate tests' source lines (not the assertion comments).
    grep -hv '^#' "$VS_DIR"/test/*.signals | grep -qw "$k" || missing="$missing textmate:$k"
    grep -qw "$k" "$TS_DIR"/test/corpus/*.txt || missing="$missing tree-sitter:$k"
    grep -q "'$k'" "$TS_DIR"/grammar.js || missing="$missing grammar.js:$k"
    grep -q "$k" "$VS_DIR"/syntaxes/signals.tmLanguage.json || missing="$missing tmLanguage:$k"
done
if [ -n "$missing" ]; then
    echo "keywords: missing from the editor grammars or their tests:$missing"
    failed=1
else
    echo "keywords: all $(echo $keywords | wc -w) keywords are in both grammars and their tests"
fi

# The inputs the compiler parses without a lexical or syntax error.
: >"$tmp/inputs"
for f in examples/*.signals $(find tests/golden -name '*.signals' | sort); do
    exp=${f%.signals}.expected
    if [ -f "$exp" ] && grep -q 'error\[E0[12]' "$exp"; then continue; fi
    echo "$root/$f" >>"$tmp/inputs"
done
n=$(wc -l <"$tmp/inputs")

# ---------------------------------------------------------------- tree-sitter
# A tree-sitter CLI of this version: TREE_SITTER, node_modules, the cache, or
# npm; cargo only when asked (SIGNALSC_BUILD_TREE_SITTER=1: ~11 minutes).
find_tree_sitter() {
    if [ -n "${TREE_SITTER:-}" ]; then
        echo "$TREE_SITTER"; return
    fi
    local_ts=$root/$TS_DIR/node_modules/.bin/tree-sitter
    if [ -x "$local_ts" ] && "$local_ts" --version 2>/dev/null | grep -q " $TS_VERSION"; then
        echo "$local_ts"; return
    fi
    if [ -x "$ts_cache/bin/tree-sitter" ]; then
        echo "$ts_cache/bin/tree-sitter"; return
    fi
    if command -v npm >/dev/null 2>&1 \
            && npm_here "$TS_DIR" "tree-sitter-cli@$TS_VERSION" >"$tmp/npm-ts.log" 2>&1 \
            && "$local_ts" --version >/dev/null 2>&1; then
        echo "$local_ts"; return
    fi
    if [ "${SIGNALSC_BUILD_TREE_SITTER:-0}" = 1 ] && command -v cargo >/dev/null 2>&1; then
        echo "tree-sitter: building tree-sitter-cli $TS_VERSION with cargo into $ts_cache" >&2
        if cargo install --quiet --locked --root "$ts_cache" --version "$TS_VERSION" tree-sitter-cli \
                >"$tmp/cargo.log" 2>&1; then
            echo "$ts_cache/bin/tree-sitter"; return
        fi
        tail -20 "$tmp/cargo.log" >&2
    fi
}

# With the CLI: src/ must be what `tree-sitter generate` makes of grammar.js,
# then the corpus, the highlight assertions, and the inputs.
test_with_cli() {
    echo "tree-sitter: $("$1" --version)"
    # The CLI compiles the parser into its own cache, and finds grammars and
    # highlight queries through its configuration: both in $tmp, not $HOME.
    export TREE_SITTER_LIBDIR="$tmp/ts-lib" TREE_SITTER_DIR="$tmp/ts-config"
    mkdir -p "$TREE_SITTER_DIR"
    printf '{"parser-directories": ["%s/editors"]}\n' "$root" >"$TREE_SITTER_DIR/config.json"
    (cd "$TS_DIR" && "$1" generate) || return 1
    if [ -d .git ] || [ -f .git ]; then
        if ! git diff --exit-code --stat -- "$TS_DIR/src" \
                || [ -n "$(git status --porcelain -- "$TS_DIR/src")" ]; then
            echo "tree-sitter: $TS_DIR/src differs from what 'tree-sitter generate' ($TS_VERSION) makes"
            echo "             of grammar.js: commit the regenerated src/"
            return 1
        fi
        echo "tree-sitter: the committed src/ is what 'tree-sitter generate' makes of grammar.js"
    fi
    (cd "$TS_DIR" && "$1" test) || return 1
    if (cd "$TS_DIR" && "$1" parse --quiet --paths "$tmp/inputs") >"$tmp/parse.log" 2>&1; then
        echo "tree-sitter: $n examples and golden inputs parse without an error node"
    else
        cat "$tmp/parse.log"
        echo "tree-sitter: some of the $n examples and golden inputs do not parse"
        return 1
    fi
}

# Without it: the committed parser, compiled with cc, through the tree-sitter
# Python bindings (tests/requirements.txt).
test_with_python() {
    py=${PYTHON:-}
    [ -n "$py" ] || { [ -x .venv/bin/python ] && py=.venv/bin/python; } || py=python3
    cc=${CC:-cc}
    if ! command -v "$cc" >/dev/null 2>&1 || ! "$py" -c 'import tree_sitter' 2>/dev/null; then
        echo "tree-sitter: SKIPPED (no tree-sitter CLI $TS_VERSION, and no C compiler or no tree_sitter"
        echo "             module in $py: pip install -r tests/requirements.txt)"
        skipped="$skipped tree-sitter"
        return 0
    fi
    echo "tree-sitter: no CLI $TS_VERSION; the committed parser through the Python bindings"
    echo "             (tree_sitter $("$py" -c 'import importlib.metadata as m; print(m.version("tree-sitter"))'))"
    scanner=""
    [ -f "$TS_DIR/src/scanner.c" ] && scanner=$TS_DIR/src/scanner.c
    # shellcheck disable=SC2086
    "$cc" -shared -fPIC -O1 -I "$TS_DIR/src" -o "$tmp/signals.so" "$TS_DIR/src/parser.c" $scanner \
        || return 1
    "$py" "$TS_DIR/test/run_corpus.py" "$tmp/signals.so" "$tmp/inputs"
}

ts_cache=${XDG_CACHE_HOME:-$HOME/.cache}/signalsc/tree-sitter-cli-$TS_VERSION
ts=$(find_tree_sitter)
if [ -n "$ts" ]; then
    test_with_cli "$ts" || failed=1
else
    test_with_python || failed=1
fi

# ---------------------------------------------------------------- TextMate
tmtest=$VS_DIR/node_modules/.bin/vscode-tmgrammar-test
if [ ! -x "$tmtest" ] \
        || ! grep -q "\"version\": \"$TMTEST_VERSION\"" "$VS_DIR/node_modules/vscode-tmgrammar-test/package.json"; then
    npm_here "$VS_DIR" "vscode-tmgrammar-test@$TMTEST_VERSION" || { echo "textmate: npm install failed"; exit 1; }
fi
(cd "$VS_DIR" && node_modules/.bin/vscode-tmgrammar-test 'test/*.signals') || failed=1
node "$VS_DIR/test/tokenize.js" "$tmp/inputs" || failed=1
node "$VS_DIR/test/extension.js" || failed=1

if [ "$failed" != 0 ]; then
    echo "test-grammars: FAILED"
    exit 1
fi
echo "test-grammars: passed${skipped:+ (SKIPPED:$skipped)}"
