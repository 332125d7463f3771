"""The language server, end to end: a real LSP client session (pytest-lsp) against
``python -m shapelint server`` in a subprocess."""
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from shapelint.core.config import Config
from shapelint.core.registry import docs_url
from shapelint.engine import lint_source

# Every test starts its own `shapelint server` process: 3-5 s apiece, over a minute for the
# module, hence `slow` as well.
pytestmark = [pytest.mark.lsp, pytest.mark.slow]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SERVER = [sys.executable, "-m", "shapelint", "server"]
STATIC = Config(confirm=False)

STACKED = (FIXTURES / "keras" / "stacked_lstm_sequential_add.py").read_text()
STACKED_FIXED = STACKED.replace("LSTM(32, input_shape=", "LSTM(32, return_sequences=True, input_shape=")
# A finding after characters outside the Basic Multilingual Plane: one character each for
# the engine, two UTF-16 code units each for the editor.
EMOJI = '''\
from keras.layers import Dense

head = Dense(1, name="🙂🙂🙂", activation="softmax")
'''


def make_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every diagnostics notification in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []
    client.arrived = asyncio.Event()

    def record(ls: LanguageClient, params: types.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)
        ls.arrived.set()

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record})
    return client


async def start(client: LanguageClient, options):
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), initialization_options=options))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def client(lsp_client: LanguageClient):
    await start(lsp_client, {"confirm": False})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def confirming_client(lsp_client: LanguageClient):
    await start(lsp_client, {"confirm": True})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def utf8_client(lsp_client: LanguageClient):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general.position_encodings = [types.PositionEncodingKind.Utf8]
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"confirm": False}))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


async def next_publish(client, uri, after, where=lambda params: True, timeout=60.0):
    """The first diagnostics notification for ``uri`` after the ``after``-th one that
    satisfies ``where``, waiting for it to arrive."""
    async def scan():
        while True:
            for params in client.published[after:]:
                if params.uri == uri and where(params):
                    return params
            client.arrived.clear()
            await client.arrived.wait()
    return await asyncio.wait_for(scan(), timeout)


def open_document(client, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
    return uri


def change(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def offset(text: str, position: types.Position) -> int:
    """An LSP position (UTF-16 code units) as an index into ``text``."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = index = 0
    while units < position.character:
        units += utf16(line[index])
        index += 1
    return start + index


def apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    for change_ in sorted(edit.changes[uri], key=lambda e: (e.range.start.line, e.range.start.character),
                          reverse=True):
        text = text[:offset(text, change_.range.start)] + change_.new_text + text[offset(text, change_.range.end):]
    return text


@pytest.mark.asyncio
async def test_open_publishes_code_link_range_and_related_information(client, tmp_path):
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", STACKED)
    published = await next_publish(client, uri, mark)
    assert published.version == 1
    [diag] = published.diagnostics
    assert diag.code == "SL101" and diag.source == "shapelint"
    assert diag.severity == types.DiagnosticSeverity.Warning
    assert diag.code_description.href == docs_url("SL101")
    assert diag.code_description.href.endswith("/rules/sl101_rank_mismatch.py")
    # model.add(LSTM(32))  # expect: SL101  -- line 11, the LSTM(32) call
    assert diag.range == types.Range(start=types.Position(line=10, character=10),
                                     end=types.Position(line=10, character=18))
    assert "receives (None, 32) from LSTM at line 10" in diag.message
    [related] = diag.related_information
    assert related.location.uri == uri
    assert related.location.range.start == types.Position(line=9, character=10)
    assert "comes from here" in related.message


@pytest.mark.asyncio
async def test_columns_are_utf16_code_units(client, tmp_path):
    mark = len(client.published)
    uri = open_document(client, tmp_path / "emoji.py", EMOJI)
    [diag] = (await next_publish(client, uri, mark)).diagnostics
    line = EMOJI.splitlines()[2]
    start, end = line.index("activation"), line.index(")")
    assert diag.code == "SL121"
    assert diag.range.start == types.Position(line=2, character=utf16(line[:start]))
    assert diag.range.end == types.Position(line=2, character=utf16(line[:end]))
    assert utf16(line[:start]) == start + 3  # three emoji, one extra unit each


@pytest.mark.asyncio
async def test_columns_follow_the_encoding_the_client_chose(utf8_client, tmp_path):
    client = utf8_client
    mark = len(client.published)
    uri = open_document(client, tmp_path / "emoji.py", EMOJI)
    [diag] = (await next_publish(client, uri, mark)).diagnostics
    line = EMOJI.splitlines()[2]
    prefix = line[:line.index("activation")]
    assert diag.range.start == types.Position(line=2, character=len(prefix.encode("utf-8")))
    applied = 'from keras import layers, Input\n\nx = Input(shape=(8,))\ny = layers.Dense(4, name="🙂")(x)\n'
    uri = open_document(client, tmp_path / "applied.py", applied)
    line = applied.splitlines()[3]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=3, character=len(line[:line.index(")(x)")].encode("utf-8")))))
    assert "output: `(None, 4)`" in hover.contents.value and "parameters: 36" in hover.contents.value
    # the innermost layer expression there: the construction, layers.Dense(4, name="🙂")
    assert hover.range.end == types.Position(line=3, character=len(line[:line.index(")(x)") + 1].encode("utf-8")))


@pytest.mark.asyncio
async def test_changes_are_debounced_and_only_the_newest_is_published(client, tmp_path):
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", STACKED)
    assert (await next_publish(client, uri, mark)).diagnostics
    mark = len(client.published)
    # Three edits in a row, faster than the debounce: only the last text is linted.
    change(client, uri, 2, STACKED.replace("LSTM(32))", "LSTM(16))"))
    change(client, uri, 3, STACKED.replace("LSTM(32))", "LSTM(8))"))
    change(client, uri, 4, STACKED_FIXED)
    published = await next_publish(client, uri, mark)
    assert published.version == 4
    assert list(published.diagnostics) == []
    assert [p.version for p in client.published[mark:] if p.uri == uri] == [4]


@pytest.mark.asyncio
async def test_save_relints_with_the_nearest_pyproject(client, tmp_path):
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", STACKED)
    assert [d.code for d in (await next_publish(client, uri, mark)).diagnostics] == ["SL101"]
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["SL101"]\n')
    mark = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert (await next_publish(client, uri, mark)).diagnostics == ()


@pytest.mark.asyncio
async def test_close_clears_the_diagnostics(client, tmp_path):
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", STACKED)
    assert (await next_publish(client, uri, mark)).diagnostics
    mark = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert (await next_publish(client, uri, mark)).diagnostics == ()


@pytest.mark.asyncio
async def test_hover_shows_shapes_and_parameters(client, tmp_path):
    uri = open_document(client, tmp_path / "model.py", STACKED)
    line = STACKED.splitlines()[9]  # model.add(LSTM(32, input_shape=(look_back, n_features)))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=9, character=line.index("LSTM") + 2)))
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "**LSTM**" in text
    assert "input: `(None, 600, 8)`" in text
    assert "output: `(None, 32)`" in text
    assert "parameters: 5,248" in text  # 4 * (32 * (8 + 32) + 32), as Keras counts them
    assert hover.range.start == types.Position(line=9, character=line.index("LSTM"))
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=3)))
    assert nothing is None


LOOKBACK = (FIXTURES / "keras" / "stateful_lookback.py").read_text()
FIXES = [  # source, code, the reported line contains, the fix's title contains, the fixed text contains
    pytest.param(STACKED, "SL101", "LSTM(32))", "return_sequences=True", "return_sequences=True",
                 id="return-sequences"),
    pytest.param((FIXTURES / "keras" / "binary_classifier_softmax.py").read_text(), "SL121",
                 "Activation(", "sigmoid", 'Activation("sigmoid")', id="sigmoid-activation-layer"),
    pytest.param(EMOJI, "SL121", "activation", "sigmoid", 'name="🙂🙂🙂", activation="sigmoid")',
                 id="sigmoid-after-emoji"),
    pytest.param((FIXTURES / "training" / "seed001_stateful_loop.py").read_text(), "SL113", "fit(",
                 "shuffle=False", "verbose=2, shuffle=False)", id="shuffle-false"),
    pytest.param(LOOKBACK, "SL301", "batch_input_shape", "batch_shape",
                 "model.add(Input(batch_shape=(batch_size, look_back, 1)))\n"
                 "model.add(LSTM(4, stateful=True))", id="input-batch-shape"),
    pytest.param(LOOKBACK, "SL301", "nb_epoch", "epochs=", "model.fit(trainX, trainY, epochs=1,", id="nb-epoch"),
    pytest.param(STACKED, "SL101", "LSTM(32))", "# noqa: SL101", "model.add(LSTM(32))  # expect: SL101  # noqa: SL101",
                 id="noqa"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("source, code, line_has, title, written", FIXES)
async def test_quick_fix_removes_the_finding(client, tmp_path, source, code, line_has, title, written):
    path = tmp_path / "model.py"
    mark = len(client.published)
    uri = open_document(client, path, source)
    lines = source.splitlines()
    shown = [d for d in (await next_publish(client, uri, mark)).diagnostics
             if d.code == code and line_has in lines[d.range.start.line]][:1]
    assert shown
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=shown[0].range,
        context=types.CodeActionContext(diagnostics=shown)))
    chosen = [a for a in actions if title in a.title]
    assert len(chosen) == 1, [a.title for a in actions]
    [action] = chosen
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.diagnostics[0].code == code
    fixed = apply(source, action.edit, uri)
    assert written in fixed
    before = [d.code for d in lint_source(source, str(path), STATIC)].count(code)
    after = [d.code for d in lint_source(fixed, str(path), STATIC)].count(code)
    assert after == before - 1
    compile(fixed, str(path), "exec")


@pytest.mark.asyncio
async def test_every_finding_can_be_silenced(client, tmp_path):
    source = (FIXTURES / "training" / "stateful_batches.py").read_text()
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", source)
    shown = (await next_publish(client, uri, mark)).diagnostics
    assert len(shown) >= 2
    for diag in shown:
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag])))
        [noqa] = [a for a in actions if f"# noqa: {diag.code}" in a.title]
        fixed = apply(source, noqa.edit, uri)
        remaining = [(d.code, d.start.line) for d in lint_source(fixed, "model.py", STATIC)]
        assert (diag.code, diag.range.start.line + 1) not in remaining


@pytest.mark.tensorflow
@pytest.mark.asyncio
async def test_confirmed_verdict_arrives_after_the_static_findings(confirming_client, tmp_path):
    client = confirming_client
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", STACKED)
    first = await next_publish(client, uri, mark)
    [static] = first.diagnostics
    assert static.code == "SL101" and "confirmed" not in static.message
    # The worker imports TensorFlow (seconds, cold); typing is not blocked meanwhile.
    confirmed = await next_publish(client, uri, mark,
                                   where=lambda p: any("[confirmed by TensorFlow" in d.message for d in p.diagnostics),
                                   timeout=300)
    [diag] = confirmed.diagnostics
    assert diag.code == "SL101"
    assert "expected ndim=3, found ndim=2" in diag.message
    assert diag.severity == types.DiagnosticSeverity.Error
    assert diag.data == {"verdict": "confirmed"}
    assert confirmed.version == 1


def test_server_without_pygls_says_how_to_install_it():
    blocked = "import sys; sys.modules['pygls'] = None; from shapelint.frontends.cli import main; sys.exit(main(['server']))"
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "pip install 'shapelint[lsp]'" in result.stderr


@pytest.mark.tensorflow
@pytest.mark.asyncio
async def test_verdicts_of_an_older_text_never_overwrite_a_newer_one(confirming_client, tmp_path):
    client = confirming_client
    # Units no other test uses: this probe is not in the session's verdict cache, so the
    # TensorFlow worker starts cold (seconds) while the document changes under it.
    bad = STACKED.replace("LSTM(32))", "LSTM(29))")
    mark = len(client.published)
    uri = open_document(client, tmp_path / "model.py", bad)
    assert [d.code for d in (await next_publish(client, uri, mark)).diagnostics] == ["SL101"]
    # The server answers while the verdict is being computed.
    line = bad.splitlines()[10]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=10, character=line.index("LSTM"))))
    assert "input: `(None, 32)`" in hover.contents.value
    assert not any("confirmed" in d.message for p in client.published[mark:] for d in p.diagnostics)
    change(client, uri, 2, bad.replace("LSTM(32, input_shape=", "LSTM(32, return_sequences=True, input_shape="))
    assert (await next_publish(client, uri, mark, where=lambda p: p.version == 2)).diagnostics == ()
    change(client, uri, 3, bad)
    # One confirmation runs at a time: once version 3's verdict is in, version 1's is done too.
    await next_publish(client, uri, mark, timeout=300, where=lambda p: p.version == 3 and any(
        "[confirmed by TensorFlow" in d.message for d in p.diagnostics))
    versions = [p.version for p in client.published[mark:] if p.uri == uri]
    assert versions == sorted(versions), versions
    assert versions[-2:] == [3, 3]
