"""signalsc fmt: one canonical layout, idempotent, never changing the model
(`debug model` before and after is equal) on every spec in the repository,
comments kept where they were, --check for CI, standard input, atomic
in-place rewrites, and no formatting of a file with syntax errors."""
import glob
import os
import random
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))

SPECS = sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.signals"), recursive=True)
               + glob.glob(os.path.join(ROOT, "tests", "**", "*.signals"), recursive=True))


def run(*args, stdin=None, cwd=None):
    return subprocess.run([SIGNALSC, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=60)


def fmt(text, name=None):
    args = ["fmt"] + (["--stdin-filename", name] if name else []) + ["-"]
    r = run(*args, stdin=text)
    assert r.returncode == 0, r.stderr
    return r.stdout


def model(path, text=None):
    """`debug model` of the file, or of `text` read as if it were that file
    (so that its imports resolve the same)."""
    if text is None:
        r = run("debug", "model", path)
    else:
        r = run("debug", "model", "--stdin-filename", path, "-", stdin=text)
    assert r.returncode == 0, r.stderr
    return r.stdout


def checks_clean(path):
    return run("check", path).returncode == 0


def rel(path):
    return os.path.relpath(path, ROOT)


CLEAN = [p for p in SPECS if checks_clean(p)]


def test_the_corpus_is_large():
    # Guards the parametrised tests below against an empty glob.
    assert len(SPECS) >= 100 and len(CLEAN) >= 50


@pytest.mark.parametrize("path", CLEAN, ids=rel)
def test_idempotent_and_model_preserving(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    once = fmt(src, path)
    assert fmt(once, path) == once
    assert model(path, once) == model(path)


@pytest.mark.parametrize("path", SPECS, ids=rel)
def test_every_parsable_spec_formats_idempotently(path):
    # Specs with check errors (unknown names, bad types) still format; only
    # syntax errors stop fmt. Formatting keeps every token and comment.
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    r = run("fmt", "--stdin-filename", path, "-", stdin=src)
    if r.returncode != 0:
        assert re.search(r"E0[12]\d\d|E000", r.stderr), r.stderr
        assert r.stdout == ""
        return
    assert fmt(r.stdout, path) == r.stdout
    assert tokens(r.stdout) == tokens(src)


TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[^\s"#]+')


def tokens(text):
    """Tokens and comments with whitespace dropped (and adjacent punctuation
    glued, so that `f( x )` and `f(x)` compare equal)."""
    return "".join(t.rstrip() for t in TOKEN.findall(text))


def perturb(src, rng):
    """The same tokens with random whitespace between them (a newline after
    every comment kept, no blank lines added)."""
    out = []
    for m in re.finditer(r'("(?:[^"\\\n]|\\.)*"|#[^\n]*)|(\s+)|([^\s"#]+)', src):
        if m.group(2) is not None:
            ws = m.group(2)
            if out and out[-1].startswith("#"):
                out.append("\n" + " " * rng.randrange(8))
            else:
                out.append(rng.choice([" ", "  ", "\n    ", "\n\t", " \n  "]) if "\n" not in ws
                           else rng.choice(["\n", "\n        ", " \n", "\n\n"]))
        else:
            out.append(m.group(0))
    return "".join(out)


@pytest.mark.parametrize("path", CLEAN[::3], ids=rel)
def test_fuzzed_whitespace_gives_the_same_model(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    want = model(path)
    rng = random.Random(rel(path))
    for _ in range(3):
        text = perturb(src, rng)
        if run("check", "--stdin-filename", path, "-", stdin=text).returncode != 0:
            continue  # a keyword moved to column 1 inside a block reads as a new declaration
        once = fmt(text, path)
        assert fmt(once, path) == once
        assert model(path, once) == want


MESSY = """\
# A spec, written carelessly.
event   page_view=iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0   # the event
attribute visits:int64=counter( )from page_view
    over   last 7 days   # a week



attribute last_url = last(page_url) from page_view {
  # an own-line comment inside a block
  description "the last URL"   # end of line, inside a block

  default ""
}
view users v1 {
    entity domain_userid   online true
    attributes visits , last_url ,
    field X:string{description "x"}
    # before the closing brace
}
# at the end of the file
"""

MESSY_FORMATTED = """\
# A spec, written carelessly.
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0  # the event

attribute visits: int64 = counter()
    from page_view
    over last 7 days  # a week

attribute last_url = last(page_url)
    from page_view
    {
        # an own-line comment inside a block
        description "the last URL"  # end of line, inside a block

        default ""
    }

view users v1 {
    entity domain_userid
    online true
    attributes visits, last_url,
    field X: string { description "x" }
    # before the closing brace
}

# at the end of the file
"""


def test_layout_and_comments():
    assert fmt(MESSY) == MESSY_FORMATTED
    assert fmt(MESSY_FORMATTED) == MESSY_FORMATTED


def test_comment_inside_an_attribute_keeps_its_place():
    src = ("attribute a = counter()  # what it counts\n"
           "    # only views\n"
           "    from page_view\n"
           "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n")
    out = fmt(src)
    assert out == ("attribute a = counter()  # what it counts\n"
                   "    # only views\n"
                   "    from page_view\n"
                   "\n"
                   "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n")
    assert fmt(out) == out


def test_check_prints_a_diff_and_fails(tmp_path):
    p = tmp_path / "a.signals"
    p.write_text(MESSY)
    before = os.stat(p).st_mtime_ns
    r = run("fmt", "--check", str(p))
    assert r.returncode == 1
    assert r.stdout.startswith(f"--- {p}\n+++ {p}\n@@ -1,")
    assert "-attribute visits:int64=counter( )from page_view\n" in r.stdout
    assert "+attribute visits: int64 = counter()\n" in r.stdout
    assert p.read_text() == MESSY and os.stat(p).st_mtime_ns == before
    # The diff applies: patch(1) turns the file into the formatted text.
    if subprocess.run(["which", "patch"], capture_output=True).returncode == 0:
        subprocess.run(["patch", "-s", str(p)], input=r.stdout, text=True, check=True)
        assert p.read_text() == MESSY_FORMATTED
        p.write_text(MESSY)
    p.write_text(MESSY_FORMATTED)
    r = run("fmt", "--check", str(p))
    assert (r.returncode, r.stdout) == (0, "")


def test_rewrites_in_place_only_what_changes(tmp_path):
    a, b = tmp_path / "a.signals", tmp_path / "b.signals"
    a.write_text(MESSY)
    b.write_text(MESSY_FORMATTED)
    os.chmod(a, 0o640)
    b_ino, b_mtime = os.stat(b).st_ino, os.stat(b).st_mtime_ns
    r = run("fmt", str(a), str(b))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert a.read_text() == MESSY_FORMATTED
    assert oct(os.stat(a).st_mode & 0o777) == oct(0o640)
    assert (os.stat(b).st_ino, os.stat(b).st_mtime_ns) == (b_ino, b_mtime)
    assert sorted(os.listdir(tmp_path)) == ["a.signals", "b.signals"]  # no temporary left


def test_stdin_to_stdout():
    r = run("fmt", "-", stdin=MESSY)
    assert (r.returncode, r.stdout) == (0, MESSY_FORMATTED)
    r = run("fmt", "--check", "-", stdin=MESSY)
    assert r.returncode == 1 and r.stdout.startswith("--- <stdin>\n+++ <stdin>\n")
    assert run("fmt", "-", stdin="").stdout == ""


def test_syntax_errors_are_not_formatted(tmp_path):
    p = tmp_path / "bad.signals"
    text = "attribute a = counter( from page_view\n"
    p.write_text(text)
    r = run("fmt", str(p))
    assert r.returncode == 1 and "E02" in r.stderr and str(p) in r.stderr
    assert p.read_text() == text


def test_check_errors_do_not_stop_formatting():
    # An unknown event is the checker's business, not the formatter's.
    assert fmt("attribute a=counter() from nowhere\n") == "attribute a = counter() from nowhere\n"


def test_long_lists_wrap_under_their_first_item():
    names = [f"attribute_number_{i}" for i in range(12)]
    src = "view v v1 {\n entity domain_userid\n attributes " + ", ".join(names) + "\n}\n"
    out = fmt(src)
    lines = out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[2].startswith("    attributes attribute_number_0, ")
    assert lines[3].startswith(" " * 15 + "attribute_number_")
    assert fmt(out) == out


def test_needs_a_file():
    assert run("fmt").returncode == 2


def test_a_directory_means_every_spec_under_it(tmp_path):
    (tmp_path / "sub").mkdir()
    a, b = tmp_path / "a.signals", tmp_path / "sub" / "b.signals"
    other = tmp_path / "notes.txt"
    for p in (a, b, other):
        p.write_text(MESSY)
    r = run("fmt", "--check", str(tmp_path))
    assert r.returncode == 1
    assert r.stdout.count("\n--- ") + r.stdout.startswith("--- ") == 2
    assert f"+++ {a}\n" in r.stdout and f"+++ {b}\n" in r.stdout
    assert run("fmt", str(tmp_path)).returncode == 0
    assert a.read_text() == b.read_text() == MESSY_FORMATTED and other.read_text() == MESSY
    assert run("fmt", "--check", str(tmp_path)).returncode == 0


def as_written(model_json):
    """The model with each property's "text" (the property as written, source
    bytes from its first to its last token) stripped of whitespace and
    comments, which the comments inside a calculated property add."""
    return re.sub(r'("text":\t")(.*)"',
                  lambda m: m.group(1) + re.sub(r"#.*?\\n|\s+", "", m.group(2)) + '"',
                  model_json)


def comment_everywhere(src):
    """A comment after every token (so every token ends a line), each next
    token indented (a declaration keyword in column 1 would close blocks)."""
    out = []
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[^\s"#]+', src):
        out.append(m.group(0) if m.group(0).startswith("#") else m.group(0) + "  # c")
    return "\n    ".join(out) + "\n"


@pytest.mark.parametrize("path", CLEAN[::2], ids=rel)
def test_a_comment_after_every_token(path):
    # The worst case for keeping comments in place: every token is followed
    # by an end-of-line comment. The model and the comments must survive.
    with open(path, encoding="utf-8") as f:
        text = comment_everywhere(f.read())
    assert run("check", "--stdin-filename", path, "-", stdin=text).returncode == 0
    once = fmt(text, path)
    assert fmt(once, path) == once
    assert as_written(model(path, once)) == as_written(model(path))
    assert once.count("# c\n") == text.count("# c\n")
    assert tokens(once) == tokens(text)


IMPORTED = """\
view shop v1 {
    entity domain_userid
    attribute cart_value: double = sum(product.price)
        from snowplow_ecommerce_action
        {
            default 0.0
        }
}
"""


def test_an_attribute_with_a_block_is_laid_out_as_import_writes_it():
    assert fmt(IMPORTED) == IMPORTED
    one_line = IMPORTED.replace("\n        from", " from").replace("\n        {", " {")
    assert fmt(one_line) == IMPORTED


def test_the_examples_are_formatted():
    # The examples show the house style: they are what fmt writes.
    r = run("fmt", "--check", os.path.join(ROOT, "examples"))
    assert (r.returncode, r.stdout) == (0, "")


def test_a_symbolic_link_stays_a_link(tmp_path):
    target = tmp_path / "real.signals"
    target.write_text(MESSY)
    link = tmp_path / "link.signals"
    link.symlink_to(target.name)
    assert run("fmt", str(link)).returncode == 0
    assert link.is_symlink() and target.read_text() == MESSY_FORMATTED
