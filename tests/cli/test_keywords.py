"""src/keywords.def is the one list of the language's keywords. C code
includes it; the flex scanner and bison's %token list cannot, so this test
checks that they spell the same keywords with the same roles."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def table():
    """[(TOKEN, text, ROLE)] in table order."""
    rows = re.findall(r'^SIG_KEYWORD\((\w+), "([a-z_]+)", (\w+)\)$', read("src/keywords.def"), re.M)
    assert len(rows) > 30
    return rows


def test_table_is_consistent():
    rows = table()
    assert len({r[0] for r in rows}) == len(rows) and len({r[1] for r in rows}) == len(rows)
    assert {r[2] for r in rows} <= {"DECL", "DECL_SET", "SET", "WORD"}
    for tok, text, _ in rows:
        assert tok == text.upper()


def test_scanner_keywords_equal_the_table():
    # `"event"    DECL_KW(EVENT);` / `"from"    KW(FROM);`
    rules = re.findall(r'^"([a-z_]+)"\s+(DECL_KW|KW)\((\w+)\);$', read("grammar/signals.l"), re.M)
    # The scanner's DECL_KW (a declaration keyword at column 1 inside a block
    # means a missing `}`) is exactly the DECL role; entity and attribute are
    # settings too, so they stay plain keywords.
    got = {(tok, text, macro == "DECL_KW") for text, macro, tok in rules}
    want = {(tok, text, role == "DECL") for tok, text, role in table()}
    assert got == want


def test_parser_tokens_equal_the_table_in_order():
    text = read("grammar/signals.y")
    decls = "\n".join(re.findall(r"^%token\b(.*(?:\n(?!%)\s.*)*)", text, re.M))
    aliases = re.findall(r'\b([A-Z_]+) "`([a-z_]+)`"', decls)
    assert aliases == [(tok, word) for tok, word, _ in table()]
    # is_keyword() is the range from the first to the last keyword token.
    first, last = table()[0][0], table()[-1][0]
    assert f"k >= YYSYMBOL_{first} && k <= YYSYMBOL_{last}" in text


def test_no_other_copy_of_the_list():
    # The importer, the syntax tree and the checker take the words from the
    # table (they used to have a copy each).
    assert '"property", "key", "default"' not in read("backends/import/import_text.c")
    for path in ["src/ast.c", "src/check.c"]:
        assert '[SIG_SET_DEFAULT] = "default"' not in read(path), path
    for path in ["backends/import/import_text.c", "src/ast.c", "grammar/signals.y"]:
        assert '#include "keywords.def"' in read(path), path
