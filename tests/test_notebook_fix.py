"""``shapelint check --fix / --unsafe-fixes / --diff`` on Jupyter notebooks, run as a user runs
them (a real ``python -m shapelint`` process on temporary copies): only the changed cells'
``source`` values are rewritten, everything else in the file stays byte for byte."""
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shapelint.core.diagnostics import Position
from shapelint.core.notebook import NotebookError, build_program, read_cells, replace_sources, source_spans
from shapelint.frontends.autofix import fixed_cells
from shapelint.frontends.fixes import TextEdit, apply_edits

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "fixtures" / "notebooks"
STATIC = ["--no-confirm", "--no-cache"]
MARKER = "  # expect: SL301"


def shapelint(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=300)


def copy(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((NOTEBOOKS / name).read_bytes())
    return path


def stamp(path):
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_ino


def outside_sources(text, numbers):
    """The notebook's text with the ``source`` values of cells ``numbers`` cut out."""
    spans = source_spans(text)
    out, last = [], 0
    for number in sorted(numbers, key=lambda n: spans[n][0]):
        start, end = spans[number]
        out.append(text[last:start])
        last = end
    return "".join(out) + text[last:]


def notebook(sources, *, indent=1, ensure_ascii=False, as_string=False, newline="\n"):
    """A notebook as a Jupyter front end writes it (nbformat: indent 1, sorted keys)."""
    cells = []
    for number, source in enumerate(sources, start=1):
        cells.append({"cell_type": "code", "execution_count": number, "id": f"cell{number}", "metadata": {},
                      "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"out {number} é\n"]}],
                      "source": source if as_string else source.splitlines(keepends=True)})
    data = {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=ensure_ascii) + "\n"
    return text.replace("\n", newline)


# -- the fixture notebook, fixed through the command line -------------------------------------

def test_fix_rewrites_only_the_changed_cells_sources(tmp_path):
    path = copy(tmp_path, "keras1_stateful.ipynb")
    os.chmod(path, 0o640)
    original = path.read_text(encoding="utf-8")
    done = shapelint("check", "--fix", *STATIC, path.name, cwd=tmp_path)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, out + err
    assert "Found 3 errors (3 fixed, 0 remaining)." in out
    fixed = path.read_text(encoding="utf-8")
    # Cells 3 (the import Input joins), 6 (the model) and 7 (fit) changed; outside their
    # sources (outputs, the PNG, metadata, the markdown and raw cells) every byte is the same.
    assert outside_sources(fixed, [3, 6, 7]) == outside_sources(original, [3, 6, 7])
    before, after = json.loads(original), json.loads(fixed)
    for cell_before, cell_after in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in cell_before.items() if k != "source"} == \
            {k: v for k, v in cell_after.items() if k != "source"}
    assert "".join(after["cells"][5]["source"]) == (
        "model = Sequential()\n"
        "model.add(Input(batch_shape=(batch_size, look_back, 1)))\n"
        f"model.add(LSTM(4, stateful=True)){MARKER}\n"
        f"model.add(Dense(units=1)){MARKER}\n"
        'model.compile(loss="mean_squared_error", optimizer="adam")')
    # Written as Jupyter writes it: the clean twin (the same notebook as Jupyter saved it with
    # the Keras 3 spelling) is this file byte for byte, once the markers are gone.
    assert fixed.replace(MARKER, "") == (NOTEBOOKS / "keras1_stateful_ok.ipynb").read_text(encoding="utf-8")
    # Still a list of lines (each with its line break), the magic and the non-ASCII comment kept.
    assert after["cells"][6]["source"] == [
        "%%time\n",
        "history = model.fit(X, y, epochs=3, batch_size=batch_size, verbose=0, shuffle=False)  # entraînement"
        f"{MARKER}"]
    # Mode kept, no temporary file left; the fixed notebook lints clean.
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    again = shapelint("check", *STATIC, path.name, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.decode() == ""


def test_diff_shows_each_changed_cell_and_writes_nothing(tmp_path):
    path = copy(tmp_path, "keras1_stateful.ipynb")
    before = stamp(path)
    done = shapelint("check", "--diff", *STATIC, path.name, cwd=tmp_path)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 1, out + err
    assert stamp(path) == before
    assert out == f"""\
--- keras1_stateful.ipynb:cell 3
+++ keras1_stateful.ipynb:cell 3
@@ -2,4 +2,4 @@
 import numpy as np
 import matplotlib.pyplot as plt
 from keras.models import Sequential
-from keras.layers import Dense, LSTM
+from keras.layers import Dense, LSTM, Input
--- keras1_stateful.ipynb:cell 6
+++ keras1_stateful.ipynb:cell 6
@@ -1,4 +1,5 @@
 model = Sequential()
-model.add(LSTM(4, batch_input_shape=(batch_size, look_back, 1), stateful=True)){MARKER}
-model.add(Dense(output_dim=1)){MARKER}
+model.add(Input(batch_shape=(batch_size, look_back, 1)))
+model.add(LSTM(4, stateful=True)){MARKER}
+model.add(Dense(units=1)){MARKER}
 model.compile(loss="mean_squared_error", optimizer="adam")
--- keras1_stateful.ipynb:cell 7
+++ keras1_stateful.ipynb:cell 7
@@ -1,2 +1,2 @@
 %%time
-history = model.fit(X, y, nb_epoch=3, batch_size=batch_size, verbose=0, shuffle=False)  # entraînement{MARKER}
+history = model.fit(X, y, epochs=3, batch_size=batch_size, verbose=0, shuffle=False)  # entraînement{MARKER}
"""
    assert "Would fix 3 errors." in err


def test_unsafe_fixes_on_a_notebook_need_the_option(tmp_path):
    path = copy(tmp_path, "lstm_stack.ipynb")
    before = stamp(path)
    safe_only = shapelint("check", "--fix", *STATIC, path.name, cwd=tmp_path)
    out = safe_only.stdout.decode()
    assert safe_only.returncode == 1, out + safe_only.stderr.decode()
    assert stamp(path) == before  # nothing applied: the file is not touched
    assert "lstm_stack.ipynb:cell 6:3:11: SL101" in out
    assert "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)." in out

    unsafe = shapelint("check", "--fix", "--unsafe-fixes", *STATIC, path.name, cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout.decode() + unsafe.stderr.decode()
    assert "Found 1 error (1 fixed, 0 remaining)." in unsafe.stdout.decode()
    old, new = before[0].decode().splitlines(keepends=True), path.read_text().splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    assert len(old) == len(new) and changed == [
        ('    "model.add(LSTM(50, input_shape=(look_back, n_features)))\\n",\n',
         '    "model.add(LSTM(50, input_shape=(look_back, n_features), return_sequences=True))\\n",\n')]


def test_a_notebook_on_standard_input_is_fixed_to_standard_output(tmp_path):
    data = (NOTEBOOKS / "keras1_stateful.ipynb").read_bytes()
    done = shapelint("check", "--fix", *STATIC, "--stdin-filename", "nb.ipynb", "-", cwd=tmp_path, stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").replace(MARKER, "") == \
        (NOTEBOOKS / "keras1_stateful_ok.ipynb").read_text(encoding="utf-8")
    assert "Found 3 errors (3 fixed, 0 remaining)." in done.stderr.decode()
    assert list(tmp_path.iterdir()) == []


FIT = ("from keras.models import Sequential\nfrom keras.layers import Dense\n\n"
       "model = Sequential([Dense(1, input_shape=(3,))])\nmodel.compile(loss='mse')\n")


@pytest.mark.parametrize("style", [
    {"indent": 2, "as_string": True},  # a source written as one string stays a string
    {"indent": 1, "ensure_ascii": True},  # a writer that escapes non-ASCII keeps escaping
    {"indent": 1, "newline": "\r\n"},  # Windows line breaks in the JSON
])
def test_other_writers_styles_are_kept(tmp_path, style):
    path = tmp_path / "nb.ipynb"
    original = notebook([FIT, "print('entraînement')\nmodel.fit(x, y, nb_epoch=10)\n", "x = 1"], **style)
    path.write_bytes(original.encode("utf-8"))
    done = shapelint("check", "--fix", *STATIC, path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    fixed = path.read_bytes().decode("utf-8")
    expected = notebook([FIT, "print('entraînement')\nmodel.fit(x, y, epochs=10)\n", "x = 1"], **style)
    assert fixed == expected
    assert json.loads(fixed)["cells"][1]["outputs"] == json.loads(original)["cells"][1]["outputs"]


def test_one_fix_that_edits_two_cells_side_by_side(tmp_path):
    # Input joins the import at the end of cell 1 and is declared on the first line of cell 2:
    # the changed lines touch, and each cell gets its own part.
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(["from keras.models import Sequential\nfrom keras.layers import Dense, LSTM",
                              "model = Sequential([LSTM(4, batch_input_shape=(1, 3, 1), stateful=True), Dense(1)])"]),
                    encoding="utf-8")
    done = shapelint("check", "--fix", *STATIC, path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert [cell["source"] for cell in json.loads(path.read_text())["cells"]] == [
        ["from keras.models import Sequential\n", "from keras.layers import Dense, LSTM, Input"],
        ["model = Sequential([Input(batch_shape=(1, 3, 1)), LSTM(4, stateful=True), Dense(1)])"]]


# -- the pieces: the JSON writer and the map from the program to the cells ----------------------

def test_replace_sources_keeps_every_other_byte():
    text = notebook(["import keras\nx = 1\n", "y = 2", ""])
    new = replace_sources(text, {1: "import keras\nx = 3\nz = 4\n", 3: "w = 5"})
    assert json.loads(new)["cells"][0]["source"] == ["import keras\n", "x = 3\n", "z = 4\n"]
    assert json.loads(new)["cells"][2]["source"] == ["w = 5"]  # an empty list grows as Jupyter lays it out
    assert new.replace('"x = 3\\n",\n    "z = 4\\n"', '"x = 1\\n"').replace(
        '[\n    "w = 5"\n   ]', "[]") == text
    assert replace_sources(text, {}) is text
    assert replace_sources(text, {2: ""}).count('"source": []') == 2


def test_replace_sources_refuses_what_is_not_a_notebook():
    with pytest.raises(NotebookError):
        replace_sources('{"cells": [{"source": "x"}]', {1: "y"})
    with pytest.raises(NotebookError):
        replace_sources('{"cells": [{"cell_type": "code"}]}', {1: "y"})


def test_fixed_cells_maps_edits_and_refuses_magics_and_crossings():
    cells, _ = read_cells(notebook(["%matplotlib inline\nimport keras\n", "x = 1\ny = 2", "z = 3\n"]))
    program = build_program(cells)
    assert program.text == "\nimport keras\nx = 1\ny = 2\nz = 3\n"
    # A line added in cell 2, a word changed in cell 3: the magic and line breaks come back.
    edited = apply_edits(program.text, [TextEdit(Position(4, 1), Position(4, 1), "w = 0\n"),
                                        TextEdit(Position(5, 5), Position(5, 6), "4")])
    assert fixed_cells(program, edited) == {2: "x = 1\nw = 0\ny = 2", 3: "z = 4\n"}
    # Removing the last line of cell 2 (up to the start of cell 3) stays in cell 2.
    assert fixed_cells(program, program.text.replace("y = 2\n", "")) == {2: "x = 1\n"}
    with pytest.raises(ValueError):  # the magic's blanked line
        fixed_cells(program, "pass" + program.text)
    with pytest.raises(ValueError):  # one edit across two cells
        fixed_cells(program, program.text.replace("import keras\nx", "import keras_x"))


@pytest.mark.tensorflow
def test_what_remains_after_a_notebook_fix_is_confirmed(tmp_path):
    path = tmp_path / "nb.ipynb"
    stacked = ("from keras.models import Sequential\nfrom keras.layers import Dense, LSTM\n\n"
               "model = Sequential()\nmodel.add(LSTM(8, input_shape=(10, 2)))\nmodel.add(LSTM(4))\n"
               "model.add(Dense(1))\nmodel.compile(loss='mse')\n")
    path.write_text(notebook([stacked, "model.fit(x, y, nb_epoch=2)\n"]), encoding="utf-8")
    done = shapelint("check", "--fix", "--no-cache", path.name, cwd=tmp_path)
    out = done.stdout.decode()
    assert done.returncode == 1, out + done.stderr.decode()
    assert json.loads(path.read_text())["cells"][1]["source"] == ["model.fit(x, y, epochs=2)\n"]
    [line] = out.splitlines()[:1]
    assert line.startswith("nb.ipynb:cell 1:6:11: SL101 ") and "[confirmed by TensorFlow 2.21" in line
    assert "Found 2 errors (1 fixed, 1 remaining)." in out


# -- pre-commit: the shapelint-fix hook on a staged notebook --------------------------------------

def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
def test_the_fix_hook_fixes_a_staged_notebook(tmp_path):
    repo = tmp_path / "user-project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    shutil.copy(NOTEBOOKS / "keras1_stateful.ipynb", repo / "tutorial.ipynb")
    (repo / "data.json").write_text('{"cells": []}\n')  # JSON, not a notebook: not the hook's
    git("add", ".", cwd=repo)

    def try_repo():
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "shapelint-fix",
                               "--color", "never"], cwd=repo, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")})

    fixed = try_repo()
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert "Found 3 errors (3 fixed, 0 remaining)." in fixed.stdout
    assert (repo / "tutorial.ipynb").read_text(encoding="utf-8").replace(MARKER, "") == \
        (NOTEBOOKS / "keras1_stateful_ok.ipynb").read_text(encoding="utf-8")
    git("add", "tutorial.ipynb", cwd=repo)
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout and "modified" not in passed.stdout
