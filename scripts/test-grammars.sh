#!/bin/sh
# Tests the editor grammars in editors/ (`make test-grammars`):
#   1. tree-sitter (editors/tree-sitter-signals): generates the parser from
#      grammar.js, runs its corpus (test/corpus) and highlight tests
#      (test/highlight) with `tree-sitter test`, and parses every example and
#      every golden input that has no lexical or syntax error (E01xx, E02xx
#      in its .expected) without an ERROR or MISSING node;
#   2. TextMate (editors/vscode): vscode-tmgrammar-test checks the scopes
#      asserted in editors/vscode/test/*.signals; the same inputs as above
#      tokenize without an `invalid.*` scope or an unclosed block
#      (test/tokenize.js); extension.js, loaded with stand-ins for VS Code's
#      modules, starts `signalsc lsp` over stdio (test/extension.js);
#   3. every keyword of src/keywords.def is in both grammars' tests.
#
# The npm tools are installed into each folder's node_modules (gitignored)
# with a throwaway npm cache. tree-sitter-cli's npm package downloads its
# binary from GitHub when it installs; where that fails, the same version is
# built once from crates.io with cargo into
# ${XDG_CACHE_HOME:-~/.cache}/signalsc/ (a few minutes, the first time
# only). TREE_SITTER=/path/to/tree-sitter uses a CLI of your own. Without
# any, the tree-sitter part is reported as SKIPPED.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

TS_VERSION=0.25.10
TMTEST_VERSION=0.1.3
TS_DIR=editors/tree-sitter-signals
VS_DIR=editors/vscode

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

npm_here() {
    (cd "$1" && shift && npm install --no-save --no-package-lock --no-audit --no-fund \
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
ts=""
if [ -n "${TREE_SITTER:-}" ]; then
    ts=$TREE_SITTER
elif [ -x "$TS_DIR/node_modules/.bin/tree-sitter" ] \
        && "$TS_DIR/node_modules/.bin/tree-sitter" --version 2>/dev/null | grep -q " $TS_VERSION"; then
    ts=$root/$TS_DIR/node_modules/.bin/tree-sitter
else
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/signalsc/tree-sitter-cli-$TS_VERSION
    if [ -x "$cache/bin/tree-sitter" ]; then
        ts=$cache/bin/tree-sitter
    elif npm_here "$TS_DIR" "tree-sitter-cli@$TS_VERSION" >"$tmp/npm-ts.log" 2>&1 \
            && "$TS_DIR/node_modules/.bin/tree-sitter" --version >/dev/null 2>&1; then
        ts=$root/$TS_DIR/node_modules/.bin/tree-sitter
    elif command -v cargo >/dev/null 2>&1; then
        echo "tree-sitter: the npm package could not fetch its binary; building tree-sitter-cli $TS_VERSION"
        echo "tree-sitter: with cargo into $cache (the first time only)"
        if cargo install --quiet --locked --root "$cache" --version "$TS_VERSION" tree-sitter-cli \
                >"$tmp/cargo.log" 2>&1; then
            ts=$cache/bin/tree-sitter
        else
            tail -20 "$tmp/cargo.log"
        fi
    fi
fi

if [ -z "$ts" ]; then
    echo "tree-sitter: SKIPPED (no tree-sitter CLI $TS_VERSION: npm could not install it and cargo"
    echo "             is missing or failed; set TREE_SITTER=/path/to/tree-sitter)"
    skipped="$skipped tree-sitter"
else
    echo "tree-sitter: $("$ts" --version)"
    # The CLI compiles the parser into its own cache, and finds grammars and
    # highlight queries through its configuration: both in $tmp, not $HOME.
    export TREE_SITTER_LIBDIR="$tmp/ts-lib" TREE_SITTER_DIR="$tmp/ts-config"
    mkdir -p "$TREE_SITTER_DIR"
    printf '{"parser-directories": ["%s/editors"]}\n' "$root" >"$TREE_SITTER_DIR/config.json"
    (
        cd "$TS_DIR"
        "$ts" generate
        "$ts" test
    ) || failed=1
    if (cd "$TS_DIR" && "$ts" parse --quiet --paths "$tmp/inputs") >"$tmp/parse.log" 2>&1; then
        echo "tree-sitter: $n examples and golden inputs parse without an error node"
    else
        cat "$tmp/parse.log"
        echo "tree-sitter: some of the $n examples and golden inputs do not parse"
        failed=1
    fi
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
