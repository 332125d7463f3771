"""Jupyter notebooks: found in folders, linted as one program (code cells in order, magics and
shell lines neutralised), reported per cell in every format, cached, and served per cell by the
language server (LSP 3.17 notebook documents)."""
import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from shapelint.batch.cache import diagnostic_from_data, diagnostic_to_data
from shapelint.batch.runner import lint_paths
from shapelint.core.config import Config
from shapelint.core.diagnostics import Position
from shapelint.core.files import discover
from shapelint.core.notebook import build_program, read_cells
from shapelint.engine import lint_file, lint_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "fixtures" / "notebooks"
STACKED = NOTEBOOKS / "lstm_stack.ipynb"
STATIC = Config(confirm=False)
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>SL\d+(?:\s*,\s*SL\d+)*)")

IMPORTS = "from keras.models import Sequential\nfrom keras.layers import Dense, LSTM\n"
MODEL_BAD = ("model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 4)))\n"
             "model.add(LSTM(32))\nmodel.add(Dense(1))\n")


def notebook(*cells, language="python") -> str:
    """A notebook's JSON: ``cells`` are (kind, source) pairs; a source may be a list."""
    out = []
    for kind, source in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {"kernelspec": {"language": language, "name": "k"}},
                       "nbformat": 4, "nbformat_minor": 5}, indent=1)


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def found(diagnostics):
    return sorted((d.cell, d.start.line, d.code) for d in diagnostics)


# -- the fixtures: `# expect:` markers inside cells ---------------------------------------------

def expected_in_cells(path: Path):
    cells, _ = read_cells(path.read_text())
    out = set()
    for cell in cells:
        if cell.kind != "code":
            continue
        for number, line in enumerate(cell.source.split("\n"), start=1):
            match = _EXPECT.search(line)
            if match:
                out.update((cell.number, number, code) for code in re.split(r"\s*,\s*", match.group("codes")))
    return out


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_fixture_notebooks_report_exactly_their_markers(path):
    diagnostics = lint_notebook(path.read_text(), str(path), STATIC)
    assert {(d.cell, d.start.line, d.code) for d in diagnostics} == expected_in_cells(path)


def test_every_failing_notebook_has_a_clean_twin():
    failing = [p for p in NOTEBOOKS.glob("*.ipynb") if not p.stem.endswith("_ok")]
    assert failing
    for path in failing:
        assert expected_in_cells(path), path
        twin = path.with_name(path.stem + "_ok.ipynb")
        assert twin.is_file() and not expected_in_cells(twin)


def test_the_fixture_is_a_real_notebook():
    data = json.loads(STACKED.read_text())
    kinds = [c["cell_type"] for c in data["cells"]]
    outputs = {o["output_type"] for c in data["cells"] if c["cell_type"] == "code" for o in c["outputs"]}
    sources = ["".join(c["source"]) for c in data["cells"]]
    assert "markdown" in kinds and {"stream", "execute_result"} <= outputs
    assert any(s.startswith("%matplotlib inline") for s in sources)
    assert any(s.startswith("!pip install") for s in sources)
    assert any(s.startswith("%%time") for s in sources)


# -- output formats -----------------------------------------------------------------------------

def test_text_output_names_the_cell_as_ruff_does():
    result = run("--no-confirm", "fixtures/notebooks/")
    assert result.returncode == 1, result.stderr
    [line] = [found for found in result.stdout.splitlines() if found.startswith("fixtures/notebooks/lstm_stack.ipynb:")]
    # cell 6 counts the markdown cells too (cell 1 and cell 5), as Jupyter shows them
    assert line.startswith("fixtures/notebooks/lstm_stack.ipynb:cell 6:3:11: SL101 LSTM expects 3-D input")
    # the layer it comes from is named by its line in the cell, not in the concatenated program
    assert "from LSTM at line 2, which returns only its last step" in line
    clean = run("--no-confirm", "fixtures/notebooks/lstm_stack_ok.ipynb")
    assert clean.returncode == 0 and clean.stdout == ""
    concise = run("--no-confirm", "--format", "concise", STACKED)
    assert concise.stdout.startswith(f"{STACKED}:cell 6:3:11: SL101 ")


def test_json_output_has_the_cell_and_in_cell_positions():
    result = run("--no-confirm", "--format", "json", "fixtures/notebooks/lstm_stack.ipynb")
    [item] = json.loads(result.stdout)
    assert item["cell"] == 6
    assert item["location"] == {"row": 3, "column": 11} and item["end_location"] == {"row": 3, "column": 19}
    [related] = item["related"]
    assert related["cell"] == 6 and related["location"] == {"row": 2, "column": 11}
    assert item["args"]["source"].startswith("LSTM at line 2,")
    py = run("--no-confirm", "--format", "json", "fixtures/keras/stacked_lstm_sequential_add.py")
    assert json.loads(py.stdout)[0]["cell"] is None  # as ruff: null outside notebooks


def test_sarif_and_github_carry_the_cell():
    sarif = json.loads(run("--no-confirm", "--format", "sarif", "fixtures/notebooks/lstm_stack.ipynb").stdout)
    [result] = sarif["runs"][0]["results"]
    [location] = result["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/notebooks/lstm_stack.ipynb"
    assert location["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 19}
    assert location["properties"] == {"cell": 6}
    assert result["relatedLocations"][0]["properties"] == {"cell": 6}
    github = run("--no-confirm", "--format", "github", "fixtures/notebooks/lstm_stack.ipynb").stdout
    assert github.startswith("::error file=fixtures/notebooks/lstm_stack.ipynb,line=3,col=11,")
    assert "title=SL101::cell 6: LSTM expects" in github


@pytest.mark.tensorflow
def test_notebook_finding_is_confirmed_by_tensorflow(tmp_path):
    result = run(STACKED, env=None)
    assert result.returncode == 1, result.stderr
    assert ":cell 6:3:11: SL101 " in result.stdout
    assert "[confirmed by TensorFlow 2.21: ValueError: " in result.stdout
    assert "expected ndim=3, found ndim=2. Full shape received: (None, 50)" in result.stdout


# -- building the program -----------------------------------------------------------------------

def test_magics_shell_lines_and_help_are_neutralised_line_for_line():
    text = notebook(
        ("markdown", "# title with Sequential( in prose"),
        ("code", ["%matplotlib inline\n", "!pip install keras\n", "files = !ls data\n",
                  "x, y = %sx echo 1 2\n", "model?\n", IMPORTS]),
        ("code", "if True:\n    !nvidia-smi\n    %time z = 1\nw = (3\n     % 2)\n"),
        ("code", "%%bash\necho 'not Python (at all'\n"),
        ("code", "%%time\n" + MODEL_BAD),
        ("raw", "model.add(LSTM(1))"),
    )
    cells, _ = read_cells(text)
    program = build_program(cells)
    lines = program.text.split("\n")
    assert lines[:5] == ["", "", "files = __shapelint_unknown__", "x = y = __shapelint_unknown__", ""]
    assert lines[7:12] == ["if True:", "    pass", "    pass", "w = (3", "     % 2)"]  # `% 2` is Python
    assert program.skipped == [(4, "cell magic %%bash")]
    assert [c.number for c in program.cells] == [2, 3, 5]
    assert program.problems == []
    assert found(lint_notebook(text, "nb.ipynb", STATIC)) == [(5, 4, "SL101")]  # %%time's body is linted


def test_sources_as_strings_or_lists_and_edits_map_back_to_cells():
    cells, _ = read_cells(notebook(("markdown", "intro"), ("code", IMPORTS),
                                   ("code", MODEL_BAD.splitlines(keepends=True))))
    program = build_program(cells)
    assert program.locate(3) == (3, 1) and program.locate(2) == (2, 2)
    assert program.to_program(3, Position(3, 11)) == Position(5, 11)
    # an edit of the program (a fix's span) as an edit of one cell's source
    start, end = program.to_program(3, Position(3, 15)), program.to_program(3, Position(3, 17))
    assert program.cell_edit(start, end) == (3, Position(3, 15), Position(3, 17))
    with pytest.raises(ValueError):
        program.cell_edit(Position(1, 1), Position(3, 1))  # across cells
    edited = program.text.replace("model.add(LSTM(32))", "model.add(LSTM(16))")
    sources = program.cell_sources(edited)
    assert sources[2] == IMPORTS.rstrip("\n") and sources[3] == MODEL_BAD.rstrip("\n").replace("LSTM(32))", "LSTM(16))")
    with pytest.raises(ValueError):
        program.cell_sources(edited + "extra\n")


def test_magic_lines_cannot_be_edited_and_come_back_as_they_were():
    cells, _ = read_cells(notebook(("code", "%matplotlib inline\n" + IMPORTS)))
    program = build_program(cells)
    with pytest.raises(ValueError):
        program.cell_edit(Position(1, 1), Position(1, 1))
    assert program.cell_sources(program.text)[1] == "%matplotlib inline\n" + IMPORTS.rstrip("\n")


def test_a_layer_in_another_cell_is_named_with_its_cell():
    text = notebook(("code", IMPORTS + "model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 4)))\n"),
                    ("markdown", "Then a second layer."),
                    ("code", "model.add(LSTM(32))\n"))
    [diag] = lint_notebook(text, "nb.ipynb", STATIC)
    assert (diag.cell, diag.start, diag.end) == (3, Position(1, 11), Position(1, 19))
    assert "from LSTM at line 4 of cell 1," in diag.message
    [related] = diag.related
    assert (related.cell, related.start.line) == (1, 4)
    assert dict(diag.args)["source"].startswith("LSTM at line 4 of cell 1,")


# -- broken notebooks ---------------------------------------------------------------------------

def test_a_cell_with_a_syntax_error_is_sl001_and_the_rest_is_linted():
    text = notebook(("code", IMPORTS),
                    ("code", "look_back = 10\nprint(look_back\n"),  # repaired: the rest of the cell stays
                    ("code", "class Net:\n    def f(self):\n  return 1\n"),  # not repairable: left out
                    ("code", MODEL_BAD))
    diagnostics = lint_notebook(text, "nb.ipynb", STATIC)
    assert found(diagnostics) == [(2, 2, "SL001"), (3, 3, "SL001"), (4, 3, "SL101")]
    first, second = diagnostics[0], diagnostics[1]
    assert first.message.startswith("cannot parse: '(' was never closed")
    assert first.message.endswith("the rest of the cell was checked without line 2")
    assert second.message == ("cannot parse: unindent does not match any outer indentation level; "
                              "the cell was not checked")
    assert "cell 3" not in first.message


def test_names_of_a_cell_left_out_become_unknown():
    # The unparsable cell redefines `model`: what the later cell adds to is not known.
    text = notebook(("code", IMPORTS + "model = Sequential()\nmodel.add(Dense(4, input_shape=(10,)))\n"),
                    ("code", "model = Sequential([LSTM(8, input_shape=(5, 2))])\nif True:\n    x = 1\n  y = 2\n"),
                    ("code", "model.add(LSTM(4))\n"))
    assert [d.code for d in lint_notebook(text, "nb.ipynb", STATIC)] == ["SL001"]


def test_invalid_json_is_one_clear_sl001_without_a_crash(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text('{\n "cells": [\n  {"cell_type": "code", "source": "import keras"\n')
    result = run("--no-confirm", bad)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bad}:4:1: SL001 cannot read the notebook: the file is not valid JSON (")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    not_a_notebook = tmp_path / "list.ipynb"
    not_a_notebook.write_text('["keras"]')
    [diag] = lint_file(not_a_notebook.read_text(), str(not_a_notebook), STATIC)
    assert diag.code == "SL001" and "not a Jupyter notebook" in diag.message and diag.cell is None
    old = notebook(("code", "import keras")).replace('"cells"', '"worksheets"')
    [diag] = lint_file(old, "old.ipynb", STATIC)
    assert "nbformat 3 is not supported" in diag.message


def test_a_notebook_without_a_framework_is_skipped(tmp_path):
    (tmp_path / "plots.ipynb").write_text(notebook(("markdown", "Plots"),
                                                   ("code", "import numpy as np\nx = np.zeros((3, 4)\n")))
    run_result = lint_paths([tmp_path], STATIC, jobs=1, use_cache=False)
    assert run_result.files == 1 and run_result.parsed == 0 and run_result.diagnostics == []
    # a framework only in the prose or the outputs: read, but the program is not linted
    text = notebook(("markdown", "We will use keras Sequential( later."), ("code", "print(1\n"))
    assert lint_notebook(text, "nb.ipynb", STATIC) == []
    # another language's notebook
    assert lint_notebook(notebook(("code", IMPORTS + MODEL_BAD), language="R"), "nb.ipynb", STATIC) == []


# -- files, noqa, cache -------------------------------------------------------------------------

def test_folders_are_searched_for_notebooks(tmp_path):
    (tmp_path / "model.ipynb").write_text(notebook(("code", IMPORTS), ("code", MODEL_BAD)))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "model-checkpoint.ipynb").write_text(notebook(("code", IMPORTS + MODEL_BAD)))
    (tmp_path / "notes.txt").write_text("keras")
    assert [p.name for p, _ in discover([tmp_path], Config())] == ["model.ipynb"]
    result = run("--no-confirm", "--no-cache", ".", cwd=tmp_path)
    assert result.stdout.startswith("model.ipynb:cell 2:3:11: SL101 ")


def test_noqa_works_inside_cells():
    line = "model.add(LSTM(32))  # noqa: SL101\n"
    text = notebook(("code", IMPORTS), ("code", MODEL_BAD.replace("model.add(LSTM(32))\n", line)))
    assert lint_notebook(text, "nb.ipynb", STATIC) == []
    whole = notebook(("code", "# shapelint: noqa: SL101\n" + IMPORTS), ("code", MODEL_BAD))
    assert lint_notebook(whole, "nb.ipynb", STATIC) == []
    other_code = MODEL_BAD.replace("model.add(LSTM(32))\n", "model.add(LSTM(32))  # noqa: SL121\n")
    other = notebook(("code", IMPORTS), ("code", other_code))
    assert found(lint_notebook(other, "nb.ipynb", STATIC)) == [(2, 3, "SL101")]


def test_large_outputs_are_not_counted_against_max_file_size(tmp_path):
    text = json.loads(notebook(("code", IMPORTS), ("code", MODEL_BAD)))
    text["cells"][1]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                    "data": {"image/png": "iVBOR" + "A" * 50_000}}]
    (tmp_path / "plots.ipynb").write_text(json.dumps(text))
    result = lint_paths([tmp_path], Config(confirm=False, max_file_size=10_000), jobs=1, use_cache=False)
    assert found(result.diagnostics) == [(2, 3, "SL101")]
    small = lint_paths([tmp_path], Config(confirm=False, max_file_size=100), jobs=1, use_cache=False)
    [diag] = small.diagnostics
    assert diag.code == "SL002" and "code cells hold" in diag.message
    # The summary reads it the same way: the outputs do not count, the code cells do.
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 10000\n")
    summary = run("summary", "plots.ipynb", cwd=tmp_path)
    assert summary.returncode == 0 and "LSTM" in summary.stdout, summary.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 100\n")
    summary = run("summary", "plots.ipynb", cwd=tmp_path)
    assert summary.returncode == 2 and "code cells hold" in summary.stderr, summary.stderr


def test_the_result_cache_keys_on_the_notebook_and_keeps_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "model.ipynb"
    path.write_text(notebook(("markdown", "x"), ("code", IMPORTS), ("code", MODEL_BAD)))
    first = lint_paths([folder], STATIC, jobs=1)
    second = lint_paths([folder], STATIC, jobs=1)
    assert (first.parsed, second.parsed, second.cached) == (1, 0, 1)
    assert second.diagnostics == first.diagnostics and second.diagnostics[0].cell == 3
    assert second.diagnostics[0].related[0].cell == 3
    fixed = MODEL_BAD.replace("LSTM(32))", "LSTM(32, return_sequences=True))")
    path.write_text(notebook(("markdown", "x"), ("code", IMPORTS), ("code", fixed)))
    assert lint_paths([folder], STATIC, jobs=1).parsed == 1
    round_trip = diagnostic_from_data(json.loads(json.dumps(diagnostic_to_data(first.diagnostics[0]))))
    assert round_trip == first.diagnostics[0]


def test_stdin_with_a_notebook_name():
    result = subprocess.run([sys.executable, "-m", "shapelint", "--no-confirm", "-", "--stdin-filename", "nb.ipynb"],
                            input=STACKED.read_text(), capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.startswith("nb.ipynb:cell 6:3:11: SL101 ")


# -- the language server: notebook documents ----------------------------------------------------

SERVER = [sys.executable, "-m", "shapelint", "server"]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []
    client.arrived = asyncio.Event()

    def record(ls: LanguageClient, params: types.PublishDiagnosticsParams):
        ls.published.append(params)
        ls.arrived.set()

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record})
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def client(lsp_client: LanguageClient):
    capabilities = client_capabilities("visual-studio-code")
    # What an editor with notebooks sends (VS Code does; pytest-lsp's recorded set has none).
    capabilities.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities())
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"confirm": False}))
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


async def published_for(client, uri, after, timeout=60.0):
    async def scan():
        while True:
            for params in client.published[after:]:
                if params.uri == uri:
                    return params
            client.arrived.clear()
            await client.arrived.wait()
    return await asyncio.wait_for(scan(), timeout)


def open_notebook(client, path: Path, cells):
    """``cells``: (kind, text) pairs; returns the notebook URI and the cells' URIs."""
    uri = path.as_uri()
    cell_uris = [f"vscode-notebook-cell:{path}#W{n}sZmlsZQ%3D%3D" for n in range(len(cells))]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(uri=uri, notebook_type="jupyter-notebook", version=1, cells=[
            types.NotebookCell(kind=types.NotebookCellKind.Code if kind == "code" else types.NotebookCellKind.Markup,
                               document=cell_uri) for (kind, _), cell_uri in zip(cells, cell_uris)]),
        cell_text_documents=[types.TextDocumentItem(uri=cell_uri, language_id="python" if kind == "code" else "markdown",
                                                    version=1, text=text)
                             for (kind, text), cell_uri in zip(cells, cell_uris)]))
    return uri, cell_uris


@pytest.mark.lsp
@pytest.mark.slow
@pytest.mark.asyncio
async def test_server_lints_notebook_documents_per_cell(client, tmp_path):
    sync = client.server_capabilities.notebook_document_sync
    [selector] = sync.notebook_selector
    assert selector.notebook == "jupyter-notebook" and [c.language for c in selector.cells] == ["python"]

    mark = len(client.published)
    first = IMPORTS + "model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 4)))\n"
    uri, cells = open_notebook(client, tmp_path / "model.ipynb",
                               [("markdown", "# Model"), ("code", "%matplotlib inline\n" + first),
                                ("code", "!pip install keras\nmodel.add(LSTM(32))\n")])
    published = await published_for(client, cells[2], mark)
    [diag] = published.diagnostics
    assert diag.code == "SL101" and "from LSTM at line 5 of cell 2" in diag.message
    assert diag.range == types.Range(start=types.Position(line=1, character=10), end=types.Position(line=1, character=18))
    [related] = diag.related_information
    assert related.location.uri == cells[1]  # the other cell's own URI, positions in it
    assert related.location.range.start == types.Position(line=4, character=10)
    assert (await published_for(client, cells[1], mark)).diagnostics == ()

    # Editing a cell (notebookDocument/didChange) lints the notebook again: the fix clears it.
    mark = len(client.published)
    fixed = first.replace("LSTM(32, input_shape", "LSTM(32, return_sequences=True, input_shape")
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=uri, version=2),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
            types.NotebookDocumentCellContentChanges(
                document=types.VersionedTextDocumentIdentifier(uri=cells[1], version=2),
                changes=[types.TextDocumentContentChangeWholeDocument(text="%matplotlib inline\n" + fixed)])]))))
    assert (await published_for(client, cells[2], mark)).diagnostics == ()

    # Hover and code actions are not offered on cells (a cell alone is not the program).
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=cells[2]), position=types.Position(line=1, character=12)))
    assert hover is None

    # Closing the notebook clears every cell it published.
    mark = len(client.published)
    client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
        notebook_document=types.NotebookDocumentIdentifier(uri=uri),
        cell_text_documents=[types.TextDocumentIdentifier(uri=c) for c in cells]))
    cleared = [await published_for(client, cells[1], mark), await published_for(client, cells[2], mark)]
    assert all(p.diagnostics == () for p in cleared)


@pytest.mark.lsp
@pytest.mark.slow
@pytest.mark.asyncio
async def test_server_reports_a_broken_cell_and_lints_the_others(client, tmp_path):
    mark = len(client.published)
    _, cells = open_notebook(client, tmp_path / "broken.ipynb",
                             [("code", IMPORTS), ("code", "x = (1,\n"), ("code", MODEL_BAD)])
    broken = await published_for(client, cells[1], mark)
    [error] = broken.diagnostics
    assert error.code == "SL001" and error.severity == types.DiagnosticSeverity.Error
    assert error.range.start.line == 0
    model = await published_for(client, cells[2], mark)
    assert [d.code for d in model.diagnostics] == ["SL101"] and model.diagnostics[0].range.start.line == 2


def test_the_flake8_plugin_stays_python_only():
    # flake8 has no notebook support: a notebook named on its command line is not linted (its
    # JSON is not Python), rather than reported at positions that are not the file's.
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "SL", str(STACKED)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "")
    python = subprocess.run([sys.executable, "-m", "flake8", "--select", "SL",
                             "fixtures/keras/stacked_lstm_sequential_add.py"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert ":11:11: SL101 " in python.stdout
