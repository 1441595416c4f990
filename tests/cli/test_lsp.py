"""`signalsc lsp` driven end to end over stdio by a small LSP client: the
base protocol's Content-Length framing written here, every request built
and every answer parsed with the `lsprotocol` types (the LSP 3.17 model
that pygls and other Python clients use), so a shape the protocol does not
allow fails the test."""
import json
import os
import pathlib
import re
import subprocess

import pytest
from lsprotocol import converters, types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))
EXAMPLE = pathlib.Path(ROOT, "examples", "ecommerce.signals")
IGLU_REPO = os.path.join(ROOT, "tests", "iglu", "repo")
CONV = converters.get_converter()
PV = "event pv = iglu:com.acme/pv/jsonschema/1-0-0\n"


class Client:
    """Starts `signalsc lsp ARGS`; requests wait for their answer and keep
    the notifications that arrive meanwhile."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([SIGNALSC, "lsp", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        self.last_id = 0
        self.pending = []

    def send(self, obj):
        body = json.dumps({"jsonrpc": "2.0", **obj}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            assert line, "the server closed its output"
            if line == b"\r\n":
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def raw_request(self, method, params):
        self.last_id += 1
        self.send({"id": self.last_id, "method": method,
                   "params": CONV.unstructure(params) if params is not None else None})
        while True:
            msg = self.read()
            if "method" not in msg and msg.get("id") == self.last_id:
                return msg
            self.pending.append(msg)

    def request(self, method, params, result_type):
        msg = self.raw_request(method, params)
        assert "error" not in msg, msg
        return CONV.structure(msg["result"], result_type)

    def notify(self, method, params):
        self.send({"method": method, "params": CONV.unstructure(params)})

    def diagnostics(self):
        """The next publishDiagnostics notification."""
        while True:
            msg = self.pending.pop(0) if self.pending else self.read()
            if msg.get("method") == "textDocument/publishDiagnostics":
                return CONV.structure(msg["params"], types.PublishDiagnosticsParams)

    def initialize(self):
        r = self.request("initialize", types.InitializeParams(
            capabilities=types.ClientCapabilities(), process_id=os.getpid()), types.InitializeResult)
        self.notify("initialized", types.InitializedParams())
        return r

    def open(self, uri, text):
        self.notify("textDocument/didOpen", types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="signals", version=1, text=text)))
        return self.diagnostics()

    def change(self, uri, text, version=2):
        self.notify("textDocument/didChange", types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.diagnostics()

    def at(self, uri, line, character):
        return types.TextDocumentPositionParams(types.TextDocumentIdentifier(uri),
                                                types.Position(line, character))

    def stop(self):
        assert self.request("shutdown", None, type(None)) is None
        self.send({"method": "exit"})
        rc = self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stdin.close()
        self.proc.stderr.close()
        return rc


@pytest.fixture
def client():
    c = Client()
    c.initialize()
    yield c
    if c.proc.poll() is None:
        # A clean shutdown after every test (under ASan, a leak or a bad
        # access would make the status non-zero).
        assert c.stop() == 0


def pos_of(text, needle, nth=0):
    """The LSP position (UTF-16) of the nth occurrence of `needle`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return line, len(text[start:at].encode("utf-16-le")) // 2


# ------------------------------------------------------------------ lifecycle

def test_initialize_announces_capabilities_and_utf16():
    c = Client()
    r = c.initialize()
    caps = r.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Full
    assert caps.text_document_sync.open_close is True
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.rename_provider is True
    assert caps.document_symbol_provider and caps.completion_provider is not None
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert r.server_info.name == "signalsc"
    assert c.stop() == 0
    assert c.proc.returncode == 0


def test_exit_without_shutdown_is_status_1_and_errors_are_jsonrpc():
    c = Client()
    early = c.raw_request("textDocument/hover", c.at(EXAMPLE.as_uri(), 0, 0))
    assert early["error"]["code"] == -32002  # ServerNotInitialized
    c.initialize()
    unknown = c.raw_request("workspace/noSuchThing", {})
    assert unknown["error"]["code"] == -32601
    c.send({"method": "exit"})
    assert c.proc.wait(timeout=10) == 1


def test_lsp_takes_no_files():
    r = subprocess.run([SIGNALSC, "lsp", str(EXAMPLE)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "lsp takes no FILE" in r.stderr


# ---------------------------------------------------------------- diagnostics

def test_diagnostics_follow_open_change_and_close(client, tmp_path):
    uri = EXAMPLE.as_uri()
    assert client.open(uri, EXAMPLE.read_text()).diagnostics == ()
    # The editor's text, not the file on disk, is checked.
    broken = EXAMPLE.read_text().replace("first(mkt_source)", "first(mkt_sorce)")
    d = client.change(uri, broken).diagnostics
    assert [x.code for x in d] == ["E0404"], d
    diag = d[0]
    assert diag.severity == types.DiagnosticSeverity.Error and diag.source == "signalsc"
    line, char = pos_of(broken, "mkt_sorce")
    assert diag.range.start == types.Position(line, char)
    assert diag.range.end == types.Position(line, char + len("mkt_sorce"))
    assert "did you mean `mkt_source`?" in diag.message
    assert client.change(uri, EXAMPLE.read_text(), 3).diagnostics == ()
    client.notify("textDocument/didClose", types.DidCloseTextDocumentParams(
        types.TextDocumentIdentifier(uri)))
    assert client.diagnostics().diagnostics == ()
    assert client.stop() == 0


def test_notes_become_related_information(client, tmp_path):
    uri = (tmp_path / "dup.signals").as_uri()  # not on disk: only the editor has it
    d = client.open(uri, PV + PV).diagnostics
    assert [x.code for x in d] == ["E0302"]
    rel = d[0].related_information
    assert rel and rel[0].location.uri == uri
    assert rel[0].location.range.start == types.Position(0, 6)
    assert d[0].range.start == types.Position(1, 6)


def test_positions_count_utf16_code_units(client, tmp_path):
    # é is 2 bytes and 1 UTF-16 unit; the rocket is 4 bytes and 2 units.
    text = PV + 'view v v1 { description "Café 🚀" entity nope attributes x }\n'
    path = tmp_path / "utf16.signals"
    path.write_text(text, encoding="utf-8")
    d = client.open(path.as_uri(), text).diagnostics
    e = next(x for x in d if x.code == "E0301")
    line, char = pos_of(text, "nope")
    assert e.range.start == types.Position(line, char)
    assert e.range.end == types.Position(line, char + 4)
    # `check` counts bytes: three more before `nope` (é +1, the rocket +2).
    r = subprocess.run([SIGNALSC, "check", "--format", "json", str(path)], capture_output=True,
                       text=True, timeout=30)
    j = next(json.loads(s) for s in r.stderr.splitlines() if '"E0301"' in s)
    assert j["span"]["line_start"] == line + 1
    assert j["span"]["column_start"] - 1 == char + 3


def test_iglu_repo_option_checks_fields_against_schemas(tmp_path):
    spec = tmp_path / "spec.signals"
    text = (
        "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/"
        "snowplow_ecommerce_action/jsonschema/1-0-2\n"
        "attribute carts = counter() from ecommerce_action\n"
        '    where ecommerce_action.type = "add_to_kart"\n'
        "view users v1 {\n    entity domain_userid\n    attributes carts\n}\n")
    spec.write_text(text)
    without = Client()
    without.initialize()
    assert not [x for x in without.open(spec.as_uri(), text).diagnostics if x.code == "E0445"]
    without.stop()
    c = Client("--iglu-repo", IGLU_REPO)
    c.initialize()
    d = [x for x in c.open(spec.as_uri(), text).diagnostics if x.code == "E0445"]
    assert len(d) == 1 and 'did you mean `"add_to_cart"`?' in d[0].message
    assert d[0].range.start == types.Position(*pos_of(text, '"add_to_kart"'))
    assert c.stop() == 0


# ------------------------------------------------------------- navigation

def test_document_symbols_of_the_example(client):
    uri = EXAMPLE.as_uri()
    text = EXAMPLE.read_text()
    client.open(uri, text)
    syms = client.request("textDocument/documentSymbol", types.DocumentSymbolParams(
        types.TextDocumentIdentifier(uri)), list[types.DocumentSymbol])
    by_name = {s.name: s for s in syms}
    assert by_name["page_view"].kind == types.SymbolKind.Event
    assert by_name["product"].kind == types.SymbolKind.Struct
    assert by_name["first_mkt_source"].kind == types.SymbolKind.Property
    assert by_name["batch_ecommerce_attributes"].kind == types.SymbolKind.Class
    assert by_name["ecommerce_transaction_interactions_source"].detail == "batch_source"
    assert by_name["page_view"].selection_range.start == types.Position(*pos_of(text, "page_view"))


def test_definition_and_references(client):
    uri = EXAMPLE.as_uri()
    text = EXAMPLE.read_text()
    client.open(uri, text)
    # `first_mkt_source` listed in the view goes to its declaration.
    use = pos_of(text, "first_mkt_source", 1)
    loc = client.request("textDocument/definition", types.DefinitionParams(
        types.TextDocumentIdentifier(uri), types.Position(*use)), types.Location)
    assert loc.uri == uri and loc.range.start == types.Position(*pos_of(text, "first_mkt_source"))
    refs = client.request("textDocument/references", types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True),
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(*use)), list[types.Location])
    starts = sorted((r.range.start.line, r.range.start.character) for r in refs)
    assert starts[0] == pos_of(text, "first_mkt_source") and use in starts
    # Not the field `page_view` inside an Iglu URI, nor a comment's word.
    pv = client.request("textDocument/references", types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=False),
        text_document=types.TextDocumentIdentifier(uri),
        position=types.Position(*pos_of(text, "page_view"))), list[types.Location])
    for r in pv:
        line = text.splitlines()[r.range.start.line]
        assert line[r.range.start.character:r.range.end.character] == "page_view"
        assert "iglu:" not in line[:r.range.start.character].split()[-1]
        assert not line.lstrip().startswith("#")
    assert pos_of(text, "page_view") not in [(r.range.start.line, r.range.start.character) for r in pv]
    uses = sum(len(re.findall(r"(?<![\w./])page_view(?![\w/])", ln))
               for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    assert len(pv) == uses - 1  # all but the declaration


def test_definition_across_an_import(client, tmp_path):
    lib = tmp_path / "lib.signals"
    lib.write_text(PV)
    main = tmp_path / "main.signals"
    text = 'import "lib.signals"\nattribute n = counter() from pv\n'
    assert client.open(main.as_uri(), text).diagnostics == ()
    loc = client.request("textDocument/definition", types.DefinitionParams(
        types.TextDocumentIdentifier(main.as_uri()), types.Position(*pos_of(text, "pv"))),
        types.Location)
    assert loc.uri == lib.resolve().as_uri()
    assert loc.range.start == types.Position(0, 6)


def test_hover(client):
    uri = EXAMPLE.as_uri()
    text = EXAMPLE.read_text()
    client.open(uri, text)

    def hover(needle, nth=0):
        h = client.request("textDocument/hover", types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(*pos_of(text, needle, nth))),
            types.Hover)
        assert h.contents.kind == types.MarkupKind.Markdown
        return h.contents.value

    attr = hover("products_added_to_cart_last_7_days", 1)
    assert "attribute products_added_to_cart_last_7_days: string_list" in attr
    assert "unique_list(product[0].name)" in attr and "last 7 days" in attr
    assert "from: `ecommerce_action`" in attr
    assert "iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0" in hover("page_view", 1)
    assert "the distinct values" in hover("unique_list(")
    assert "atomic column `mkt_source`: `string`" in hover("mkt_source)")
    lifetime = hover("total_product_price_clv", 1)
    assert "window: lifetime" in lifetime and "`double`" in lifetime


def test_completion_offers_keywords_aggregations_types_names_and_columns(client):
    uri = EXAMPLE.as_uri()
    client.open(uri, EXAMPLE.read_text())
    r = client.request("textDocument/completion", types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(0, 0)), types.CompletionList)
    kinds = {i.label: i.kind for i in r.items}
    assert kinds["view"] == types.CompletionItemKind.Keyword
    assert kinds["over"] == types.CompletionItemKind.Keyword
    assert kinds["unique_list"] == types.CompletionItemKind.Function
    assert kinds["string_list"] == types.CompletionItemKind.TypeParameter
    assert kinds["page_view"] == types.CompletionItemKind.Event
    assert kinds["first_mkt_source"] == types.CompletionItemKind.Property
    assert kinds["mkt_source"] == types.CompletionItemKind.Field
    assert kinds["batch_ecommerce_attributes"] == types.CompletionItemKind.Class


def test_symbols_survive_an_error_in_the_text(client, tmp_path):
    uri = (tmp_path / "x.signals").as_uri()
    client.open(uri, PV + "attribute n = counter() from pv\n")
    assert client.change(uri, PV + "attribute n = counter() from pvv\n").diagnostics
    syms = client.request("textDocument/documentSymbol", types.DocumentSymbolParams(
        types.TextDocumentIdentifier(uri)), list[types.DocumentSymbol])
    assert [s.name for s in syms] == ["pv", "n"]


def test_a_did_you_mean_is_a_quick_fix(client):
    uri = EXAMPLE.as_uri()
    broken = EXAMPLE.read_text().replace("first(mkt_source)", "first(mkt_sorce)")
    client.open(uri, broken)
    line, char = pos_of(broken, "mkt_sorce")
    actions = client.request("textDocument/codeAction", types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(line, char + 2), types.Position(line, char + 2)),
        context=types.CodeActionContext(diagnostics=[])), list[types.CodeAction])
    assert len(actions) == 1
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.title == "Replace with `mkt_source`"
    assert fix.diagnostics[0].code == "E0404"
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "mkt_source"
    assert edit.range == types.Range(types.Position(line, char),
                                     types.Position(line, char + len("mkt_sorce")))
    # Applying it gives the example back, which checks clean.
    lines = broken.splitlines(keepends=True)
    lines[line] = lines[line][:char] + edit.new_text + lines[line][char + len("mkt_sorce"):]
    assert client.change(uri, "".join(lines)).diagnostics == ()
    elsewhere = client.request("textDocument/codeAction", types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 1)),
        context=types.CodeActionContext(diagnostics=[])), list[types.CodeAction])
    assert elsewhere == []


def apply_edits(text, edits):
    """Applies TextEdits (UTF-16 positions) to `text`, last first."""
    lines = text.splitlines(keepends=True)

    def index(p):
        line = lines[p.line]
        units = line.encode("utf-16-le")[:2 * p.character].decode("utf-16-le")
        return sum(len(x) for x in lines[:p.line]) + len(units)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                    reverse=True):
        text = text[:index(e.range.start)] + e.new_text + text[index(e.range.end):]
    return text


def test_rename_a_declared_name_everywhere(client, tmp_path):
    lib = tmp_path / "lib.signals"
    lib.write_text(PV + "# pv in a comment stays\n")
    main = tmp_path / "main.signals"
    text = 'import "lib.signals"\nattribute n = counter() from pv\n' \
           'attribute m = counter() from pv where pv.pv = "pv"\n'
    assert client.open(main.as_uri(), text).diagnostics == ()

    def rename(new, at="pv"):
        return client.raw_request("textDocument/rename", types.RenameParams(
            text_document=types.TextDocumentIdentifier(main.as_uri()),
            position=types.Position(*pos_of(text, at)), new_name=new))

    msg = rename("page_view")
    edit = CONV.structure(msg["result"], types.WorkspaceEdit)
    lib_uri = lib.resolve().as_uri()
    assert set(edit.changes) == {main.as_uri(), lib_uri}
    new_main = apply_edits(text, edit.changes[main.as_uri()])
    assert new_main == text.replace("from pv", "from page_view").replace(
        "where pv.pv", "where page_view.pv")
    new_lib = apply_edits(lib.read_text(), edit.changes[lib_uri])
    assert new_lib == PV.replace("event pv", "event page_view") + "# pv in a comment stays\n"
    lib.write_text(new_lib)
    assert client.change(main.as_uri(), new_main).diagnostics == ()
    # Reserved words, bad names and names already declared are refused.
    text = new_main
    for bad in ("view", "9lives", "a-b", "n"):
        assert rename(bad, "page_view")["error"]["code"] == -32602, bad
    assert "already declared" in rename("n", "page_view")["error"]["message"]
    assert "no declared name" in rename("x", "counter")["error"]["message"]


@pytest.mark.parametrize("args, severity", [
    ((), types.DiagnosticSeverity.Warning),
    (("-Werror=W0101",), types.DiagnosticSeverity.Error),
    (("-Wno-W0101",), None),
])
def test_warnings_follow_the_w_options_as_check_does(tmp_path, args, severity):
    text = PV + "event unused = iglu:com.acme/u/jsonschema/1-0-0\n" \
        "attribute n = counter() from pv\nview v v1 {\n    entity domain_userid\n    attributes n\n}\n"
    c = Client(*args)
    c.initialize()
    d = c.open((tmp_path / "w.signals").as_uri(), text).diagnostics
    if severity is None:
        assert d == ()
    else:
        assert [(x.code, x.severity) for x in d] == [("W0101", severity)]
        assert d[0].range.start == types.Position(*pos_of(text, "unused"))
    assert c.stop() == 0


def test_transport_survives_bad_messages_and_extra_headers(tmp_path):
    c = Client()
    c.initialize()
    body = b"{not json"
    c.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    c.proc.stdin.flush()
    err = c.read()
    assert err["error"]["code"] == -32700 and err["id"] is None
    # A Content-Type header (base protocol) and a lower-case length name.
    body = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///nowhere.signals"},
        "position": {"line": 0, "character": 0}}}).encode()
    c.proc.stdin.write(b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc; "
                       b"charset=utf-8\r\n\r\n" % len(body) + body)
    c.proc.stdin.flush()
    assert c.read() == {"jsonrpc": "2.0", "id": 99, "result": None}
    # Positions past the end of a line or of the text are clamped.
    uri = (tmp_path / "p.signals").as_uri()
    c.open(uri, PV)
    h = c.request("textDocument/hover", types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(0, 8)), types.Hover)  # just after `pv`
    assert "iglu:com.acme/pv/jsonschema/1-0-0" in h.contents.value
    assert c.request("textDocument/hover", types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(0, 500)), type(None)) is None
    assert c.request("textDocument/definition", types.DefinitionParams(
        types.TextDocumentIdentifier(uri), types.Position(40, 3)), type(None)) is None
    assert c.stop() == 0


def test_completion_follows_what_the_text_before_the_cursor_asks_for(client, tmp_path):
    uri = (tmp_path / "c.signals").as_uri()
    good = PV + "context page = iglu:com.acme/page/jsonschema/1-0-0\n" \
        "attribute n = counter() from pv\nview v v1 {\n    entity domain_userid\n    attributes n\n}\n"
    assert [d.code for d in client.open(uri, good).diagnostics] == ["W0101"]  # `page` unused

    def labels(text, line, char):
        client.change(uri, text)
        r = client.request("textDocument/completion", types.CompletionParams(
            types.TextDocumentIdentifier(uri), types.Position(line, char)), types.CompletionList)
        return {i.label for i in r.items}

    lines = good.count("\n")
    after_from = labels(good + "attribute m = counter() from p", lines, 30)
    assert after_from == {"pv", "all"}
    after_colon = labels(good + "attribute m: ", lines, 13)
    assert "string_list" in after_colon and "pv" not in after_colon and "view" not in after_colon
    after_entity = labels(good + "view w v1 {\n    entity ", lines + 1, 11)
    assert {"domain_userid", "user_id", "network_userid"} <= after_entity
    assert "pv" not in after_entity and "counter" not in after_entity
    assert labels(good + "view w v1 {\n    attributes ", lines + 1, 15) == {"n"}
    assert labels(good + "attribute m = last(page[0].", lines, 27) == set()


def test_hover_on_a_field_shows_its_schema(tmp_path):
    text = (
        "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/"
        "snowplow_ecommerce_action/jsonschema/1-0-2\n"
        "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
        "attribute price = last(product[0].price) from ecommerce_action\n"
        '    where ecommerce_action.type = "add_to_cart"\n'
        "view users v1 {\n    entity domain_userid\n    attributes price\n}\n")
    uri = (tmp_path / "f.signals").as_uri()
    c = Client("--iglu-repo", IGLU_REPO)
    c.initialize()
    assert [d.severity for d in c.open(uri, text).diagnostics
            if d.severity == types.DiagnosticSeverity.Error] == []

    def hover(needle):
        h = c.request("textDocument/hover", types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(*pos_of(text, needle))), types.Hover)
        return h.contents.value

    kind = hover("type =")
    assert kind.startswith("field `$.type` of `iglu:com.snowplowanalytics.snowplow.ecommerce/"
                           "snowplow_ecommerce_action/jsonschema/1-0-2`")
    assert '`"add_to_cart"`' in kind and "- JSON: string" in kind
    price = hover("price)")
    assert "field `$.price`" in price and "number" in price
    # The head of the path is the context itself.
    assert "context `product`" in hover("product[0]")
    assert c.stop() == 0


def test_completion_after_a_dot_offers_the_schemas_fields(tmp_path):
    good = (
        "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/"
        "snowplow_ecommerce_action/jsonschema/1-0-2\n"
        "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
        "attribute price = last(product[0].price) from ecommerce_action\n"
        "view users v1 {\n    entity domain_userid\n    attributes price\n}\n")
    uri = (tmp_path / "f.signals").as_uri()
    c = Client("--iglu-repo", IGLU_REPO)
    c.initialize()
    c.open(uri, good)
    schema = json.load(open(os.path.join(
        IGLU_REPO, "schemas", "com.snowplowanalytics.snowplow.ecommerce", "product",
        "jsonschema", "1-0-0")))

    def labels(line_text):
        text = good + line_text
        c.change(uri, text)
        r = c.request("textDocument/completion", types.CompletionParams(
            types.TextDocumentIdentifier(uri),
            types.Position(text.count("\n"), len(line_text))), types.CompletionList)
        assert all(i.kind == types.CompletionItemKind.Field for i in r.items)
        return [i.label for i in r.items]

    assert labels("attribute m = last(product[0].") == list(schema["properties"])
    assert labels("attribute m = last(product[0].na") == list(schema["properties"])
    assert "type" in labels("attribute m = counter() from ecommerce_action where ecommerce_action.")
    assert labels("attribute m = last(product[0].price.") == []  # a number has no fields
    assert c.stop() == 0


def test_an_error_in_an_imported_file_points_there(client, tmp_path):
    lib = tmp_path / "lib.signals"
    lib_text = PV + "attribute n = counter() from pvv\n"
    lib.write_text(lib_text)
    main = tmp_path / "main.signals"
    d = client.open(main.as_uri(), 'import "lib.signals"\n').diagnostics
    assert [x.code for x in d] == ["E0301"]
    # Shown at the top of the open document, naming the file, line and column...
    assert d[0].range.start == types.Position(0, 0)
    line, char = pos_of(lib_text, "pvv")
    assert d[0].message.startswith(f"{lib}:{line + 1}:{char + 1}: undefined event `pvv`")
    # ... with the place itself as related information, for the editor to jump to.
    (rel,) = d[0].related_information
    assert rel.location.uri == lib.resolve().as_uri()
    assert rel.location.range.start == types.Position(line, char)


def test_formatting_gives_the_fmt_layout_as_one_edit(client, tmp_path):
    spec = tmp_path / "f.signals"
    text = ("event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
            "attribute   n =counter( )   from page_view   # views\n")
    client.open(spec.as_uri(), text)

    def fmt_request():
        return client.request("textDocument/formatting", types.DocumentFormattingParams(
            types.TextDocumentIdentifier(spec.as_uri()),
            types.FormattingOptions(tab_size=4, insert_spaces=True)), list[types.TextEdit])

    edits = fmt_request()
    want = subprocess.run([SIGNALSC, "fmt", "-"], input=text, capture_output=True, text=True,
                          check=True).stdout
    assert want != text and len(edits) == 1
    e = edits[0]
    assert (e.range.start.line, e.range.start.character) == (0, 0)
    assert (e.range.end.line, e.range.end.character) == (text.count("\n"), 0)
    assert e.new_text == want
    # Formatted text needs no edit; text that does not parse gets none.
    client.change(spec.as_uri(), want)
    assert fmt_request() == []
    client.change(spec.as_uri(), want + "attribute = \n", version=3)
    assert fmt_request() == []
