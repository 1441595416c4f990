"""`signalsc lsp` driven by pygls's LanguageClient, a language client
library that is not ours (its own framing, JSON-RPC and type handling), on
examples/ecommerce.signals: diagnostics, hover, definition, completion,
rename and formatting in one session, as an editor would use them.
tests/cli/test_lsp.py covers each feature in detail with a small client
written for the tests."""
import asyncio
import os
import pathlib
import re

import pytest
from lsprotocol import types

pygls_client = pytest.importorskip("pygls.lsp.client", reason="pip install -r tests/requirements.txt")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))
EXAMPLE = pathlib.Path(ROOT, "examples", "ecommerce.signals")


def position(text, needle, offset=0):
    """The LSP position (UTF-16 units) of `needle` in `text`, plus `offset`."""
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line, len(text[start:at].encode("utf-16-le")) // 2)


async def session(tmp_path):
    client = pygls_client.LanguageClient("signalsc-tests", "1")
    published = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        published.put_nowait(params)

    await client.start_io(SIGNALSC, "lsp")
    init = await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), process_id=os.getpid()))
    caps = init.capabilities
    assert caps.hover_provider and caps.definition_provider and caps.rename_provider
    assert caps.document_formatting_provider and caps.completion_provider is not None
    client.initialized(types.InitializedParams())

    spec = tmp_path / "ecommerce.signals"
    text = EXAMPLE.read_text()
    spec.write_text(text)
    uri = spec.as_uri()
    doc = types.TextDocumentIdentifier(uri)

    async def diagnostics():
        return (await asyncio.wait_for(published.get(), 10)).diagnostics

    # Diagnostics: none on the example; a misspelt event is E0301 with its fix.
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="signals", version=1, text=text)))
    assert not await diagnostics()
    bad = text.replace("from page_view over last 7 days", "from page_veiw over last 7 days", 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [types.TextDocumentContentChangeWholeDocument(text=bad)]))
    (d,) = await diagnostics()
    assert d.code == "E0301" and d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == position(bad, "page_veiw")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert not await diagnostics()

    # Hover on an attribute's name: its aggregation and window.
    hover = await client.text_document_hover_async(types.HoverParams(
        doc, position(text, "page_views_last_7_days", 3)))
    assert "counter" in hover.contents.value and "7 days" in hover.contents.value

    # Definition of a use of `page_view`: its declaration on line 11.
    use = "from page_view over last 7 days"
    found = await client.text_document_definition_async(types.DefinitionParams(
        doc, position(text, use, len("from "))))
    locations = found if isinstance(found, list) else [found]
    assert [(x.uri, x.range.start) for x in locations] == [(uri, position(text, "page_view ="))]

    # Completion after `from `: the declared events.
    completion = await client.text_document_completion_async(types.CompletionParams(
        doc, position(text, use, len("from "))))
    items = completion.items if hasattr(completion, "items") else completion
    assert {"page_view", "page_ping", "ecommerce_action"} <= {i.label for i in items}

    # Rename `page_ping` everywhere in the file.
    edit = await client.text_document_rename_async(types.RenameParams(
        doc, position(text, "page_ping ="), "ping"))
    edits = edit.changes[uri]
    # every use of the name: not in comments, strings or Iglu URIs
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    code = [re.sub(r'iglu:\S*|"[^"]*"', blank, line.split("#")[0]) for line in text.splitlines()]
    uses = [(n, m.start()) for n, line in enumerate(code) for m in re.finditer(r"\bpage_ping\b", line)]
    assert sorted((e.range.start.line, e.range.start.character) for e in edits) == uses
    assert {e.new_text for e in edits} == {"ping"}

    # Formatting: the example is in fmt's layout; a messed-up line is not.
    options = types.FormattingOptions(tab_size=4, insert_spaces=True)
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(doc, options))
    messy = text.replace("attribute deep_scrolls = counter()", "attribute   deep_scrolls=counter( )")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=4),
        [types.TextDocumentContentChangeWholeDocument(text=messy)]))
    assert not await diagnostics()
    (fix,) = await client.text_document_formatting_async(types.DocumentFormattingParams(doc, options))
    assert fix.new_text == text

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return client


def test_pygls_client_session_on_the_example(tmp_path):
    asyncio.run(session(tmp_path))
