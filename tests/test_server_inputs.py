"""The language server never blocks or balloons on what it is handed: a FIFO or a device named
by a URI it was never sent, a document over max-file-size (a real pytest-lsp session)."""
import asyncio
import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = [pytest.mark.lsp, pytest.mark.slow]  # each test starts a `shapelint server` (as in test_server)

SERVER = [sys.executable, "-m", "shapelint", "server"]
SOFTMAX = ("from keras import Sequential\nfrom keras.layers import Dense\n"
           "model = Sequential([Dense(1, activation='softmax', input_shape=(4,))])\n")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), initialization_options={"confirm": False}))
    yield
    await lsp_client.shutdown_session()


def _hover(client, uri, line=2, character=22):
    return client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character)))


@pytest.mark.asyncio
async def test_hover_and_save_on_a_fifo_or_a_device_answer_at_once(client, tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert await asyncio.wait_for(_hover(client, fifo.as_uri()), 10) is None
    assert await asyncio.wait_for(_hover(client, "file:///dev/zero"), 10) is None
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=fifo.as_uri())))
    # The server still answers (it did not block reading the FIFO): a real file's hover works.
    model = tmp_path / "model.py"
    model.write_text(SOFTMAX)
    hover = await asyncio.wait_for(_hover(client, model.as_uri()), 30)
    assert hover is not None and "Dense" in hover.contents.value


@pytest.mark.asyncio
async def test_a_document_over_max_file_size_is_reported_not_linted(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 1000\n")
    path = tmp_path / "big.py"
    text = SOFTMAX + "# padding\n" * 200
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=path.as_uri(), language_id="python", version=1, text=text)))
    for _ in range(300):
        if path.as_uri() in client.diagnostics:
            break
        await asyncio.sleep(0.1)
    codes = [d.code for d in client.diagnostics[path.as_uri()]]
    assert codes == ["SL002"], codes
    assert "over max-file-size" in client.diagnostics[path.as_uri()][0].message
