"""Tests the committed parser without the tree-sitter CLI.

Usage: run_corpus.py LIBRARY INPUTS_LIST

LIBRARY is src/parser.c compiled into a shared library (it exports
tree_sitter_signals()); INPUTS_LIST names one .signals file a line. The
script, run with the `tree-sitter` PyPI bindings:
  1. runs every case of test/corpus/*.txt as `tree-sitter test` does: the
     tree's S-expression must equal the expected one, whitespace-normalised
     and without field names when the expected one has none; a case marked
     :error must instead have an ERROR or MISSING node;
  2. compiles queries/highlights.scm;
  3. parses every file of INPUTS_LIST without an ERROR or MISSING node.
Exit status 1 on any failure. The corpus format is the one documented at
https://tree-sitter.github.io/tree-sitter/creating-parsers/5-writing-tests.html
"""
import ctypes
import pathlib
import re
import sys

import tree_sitter

HERE = pathlib.Path(__file__).resolve().parent.parent

# A header is a line of `=` (at least 3, with an optional suffix that the
# divider repeats), the name, attribute lines, and the same line of `=`.
HEADER = re.compile(
    rb"^(?P<eq>={3,})(?P<suffix>[^=\r\n]*)\r?\n"
    rb"(?P<body>(?:(?!=).*\r?\n)+?)"
    rb"(?P=eq)(?P=suffix)\r?\n",
    re.M,
)
COMMENT = re.compile(r"(?m)^\s*;.*$")
FIELD = re.compile(r"\b[a-z_][a-z0-9_]*: ")


def normalise(sexp):
    """The comparison form of `tree-sitter test`: comments dropped, runs of
    whitespace made one space, no space before `)`."""
    sexp = COMMENT.sub("", sexp)
    return re.sub(r"\s+", " ", sexp).strip().replace(" )", ")")


def cases(path):
    """Yields (name, attributes, input bytes, expected S-expression)."""
    data = path.read_bytes()
    headers = list(HEADER.finditer(data))
    for i, h in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(data)
        chunk = data[h.end():end]
        divider = re.compile(rb"^-{3,}" + re.escape(h.group("suffix")) + rb"\r?$", re.M)
        # The last divider line of the chunk: the input may hold `---` itself.
        dividers = list(divider.finditer(chunk))
        if not dividers:
            raise SystemExit(f"{path}: case at byte {h.start()} has no --- divider")
        d = dividers[-1]
        source = chunk[:d.start()]
        # The newline before the divider is not part of the input.
        if source.endswith(b"\r\n"):
            source = source[:-2]
        elif source.endswith(b"\n"):
            source = source[:-1]
        lines = h.group("body").decode().splitlines()
        name = lines[0].strip()
        attributes = [l.strip() for l in lines[1:] if l.strip().startswith(":")]
        yield name, attributes, source, chunk[d.end():].decode()


def has_error(node):
    return node.has_error or node.is_missing


def load_language(library):
    lib = ctypes.CDLL(str(pathlib.Path(library).resolve()))
    lib.tree_sitter_signals.restype = ctypes.c_void_p
    # The bindings take the TSLanguage pointer in a capsule named
    # "tree_sitter.Language" (an int is deprecated), as grammar wheels pass it.
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p)
    return tree_sitter.Language(new_capsule(lib.tree_sitter_signals(), b"tree_sitter.Language", None))


def run_corpus(parser):
    passed = failed = 0
    for path in sorted((HERE / "test" / "corpus").glob("*.txt")):
        for name, attributes, source, expected in cases(path):
            if ":skip" in attributes:
                continue
            root = parser.parse(source).root_node
            if ":error" in attributes:
                ok = has_error(root)
                why = "expected an ERROR or MISSING node, got " + str(root)
            else:
                want = normalise(expected)
                got = str(root)
                if not FIELD.search(want):
                    got = FIELD.sub("", got)
                got = normalise(got)
                ok = got == want
                why = f"expected:\n    {want}\n  got:\n    {got}"
            if ok:
                passed += 1
            else:
                failed += 1
                print(f"tree-sitter corpus: FAIL {path.name}: {name}\n  {why}")
    return passed, failed


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    language = load_language(sys.argv[1])
    parser = tree_sitter.Parser(language)
    status = 0

    passed, failed = run_corpus(parser)
    print(f"tree-sitter corpus: {passed} passed, {failed} failed")
    if failed or not passed:
        status = 1

    query = tree_sitter.Query(language, (HERE / "queries" / "highlights.scm").read_text())
    print(f"tree-sitter highlights.scm: compiles ({query.pattern_count} patterns)")

    inputs = [l for l in pathlib.Path(sys.argv[2]).read_text().splitlines() if l]
    bad = [f for f in inputs if has_error(parser.parse(pathlib.Path(f).read_bytes()).root_node)]
    for f in bad:
        print(f"tree-sitter parse: ERROR or MISSING node in {f}")
    if bad or not inputs:
        status = 1
    else:
        print(f"tree-sitter: {len(inputs)} examples and golden inputs parse without an error node")
    return status


if __name__ == "__main__":
    sys.exit(main())
