"""Parse only what can matter (``core.select``): findings with the selection equal findings
without it, and the selection itself on tricky code."""
import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shapelint.core.config import Config
from shapelint.core.registry import all_rules
from shapelint.core.select import FRAMEWORK_ROOTS, _units, chunked_units, select_source, selection
from shapelint.engine import lint_source
from shapelint.frameworks import default_plugins
from shapelint.interp.plugins import HandlerTable

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
EXAMPLES = [textwrap.dedent(source) for rule in all_rules() for source in list(rule.invalid) + list(rule.valid)]

# Statements that cannot matter, put around a file: plotting, file I/O, argparse, helpers.
NOISE_BEFORE = '''\
import argparse, json, os
import matplotlib.pyplot as plt


def save_history(history_dict, path):
    with open(path, "w") as handle:
        json.dump(history_dict, handle)


@staticmethod
def unrelated_helper(a, b=3):
    return [a * i for i in range(b)]


parser = argparse.ArgumentParser(); parser.add_argument("--out", default="out.json")
OUT_DIR = os.path.join(os.getcwd(), "plots")  # shapelint: noqa: SL999
'''
NOISE_AFTER = '''

def plot_curve(values, title):
    figure = plt.figure()
    plt.plot(values)
    plt.title(title)
    return figure


for name in ("a", "b"):
    print(name, unrelated_helper(2))
'''


def _signature(diagnostics):
    return [(d.code, d.start, d.end, d.message, d.related, repr(d.fix), d.args) for d in diagnostics]


def _both(text, monkeypatch, path="x.py"):
    config = Config(confirm=False)
    monkeypatch.setenv("SHAPELINT_NO_SELECT", "1")
    whole = lint_source(text, path, config)
    monkeypatch.delenv("SHAPELINT_NO_SELECT")
    return whole, lint_source(text, path, config)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture_same_findings(path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    whole, selected = _both(text, monkeypatch, str(path))
    assert _signature(selected) == _signature(whole)
    # The same file among statements that cannot matter: still the same findings, and the
    # noise is not parsed.
    noisy = NOISE_BEFORE + text + NOISE_AFTER
    whole, selected = _both(noisy, monkeypatch, str(path))
    assert _signature(selected) == _signature(whole)
    if whole and "import *" not in text and "channels_first" not in text and not any(
            d.code == "SL001" for d in whole):
        chosen = select_source(noisy)
        assert chosen is not None and "plt.title" not in chosen and "save_history" not in chosen


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_rule_example_same_findings(index, monkeypatch):
    for text in (EXAMPLES[index], NOISE_BEFORE + EXAMPLES[index] + NOISE_AFTER):
        whole, selected = _both(text, monkeypatch)
        assert _signature(selected) == _signature(whole)


def kept_lines(source):
    """The 1-based numbers of the lines the selection keeps (non-empty after it)."""
    source = textwrap.dedent(source)
    chosen = select_source(source)
    assert chosen is not None, "expected a selection"
    assert chosen.count("\n") == source.count("\n")
    original = source.split("\n")
    out = set()
    for number, line in enumerate(chosen.split("\n"), start=1):
        if line:
            assert line == original[number - 1]  # kept lines are untouched
            out.add(number)
    return out


def test_global_declared_in_a_def_is_a_binding():
    assert kept_lines("""\
        from keras import layers
        units = 4
        def configure():
            global units
            units = 8
        def unrelated():
            return 1
        layer = layers.Dense(units)
        """) == {1, 2, 3, 4, 5, 8}


def test_decorated_def_starts_at_its_first_decorator():
    assert kept_lines("""\
        import functools
        import keras
        @functools.lru_cache()
        @functools.wraps(print)
        def helper():
            return 3
        @functools.lru_cache()
        def unused():
            return 4
        model = keras.Sequential([keras.layers.Dense(helper())])
        """) == {1, 2, 3, 4, 5, 6, 10}


def test_statements_sharing_a_line_go_together():
    assert kept_lines("""\
        import os; import keras
        a = 1; b = 2
        c = 3; units = 5
        model = keras.layers.Dense(units)
        """) == {1, 3, 4}


def test_mutation_through_a_method_call_and_a_subscript():
    assert kept_lines("""\
        import keras
        sizes = []
        sizes.append(16)
        config = {}
        config["units"] = 4
        other = []
        other.append(1)
        layer = keras.layers.Dense(sizes[0] + config["units"])
        """) == {1, 2, 3, 4, 5, 8}


def test_forward_use_of_a_model_and_aliases():
    assert kept_lines("""\
        import os
        import keras
        def report(m):
            m.summary()
        model = keras.Sequential()
        alias = model
        alias.add(keras.layers.Dense(3))
        report(model)
        print(os.getcwd())
        """) == {2, 3, 4, 5, 6, 7, 8}


def test_snippet_names_agree_with_snippet_mode():
    # Unbound anywhere: Dense is keras's (snippet mode), its statement is a seed.
    assert kept_lines("""\
        import os
        x = os.getcwd()
        layer = Dense(3)
        """) == {3}
    # Bound somewhere, even as a parameter of an unrelated function: not snippet mode, and
    # the statement binding it stays so that the selection's file binds it too.
    assert kept_lines("""\
        import os
        import keras
        def unrelated(Dense):
            return Dense
        x = os.getcwd()
        model = keras.Sequential([Dense(3)])
        """) == {2, 3, 4, 6}


def test_patching_a_module_attribute_is_a_seed():
    assert 2 in kept_lines("""\
        import os
        os.Dense = None
        y = 1
        import keras
        layer = keras.layers.Dense(3)
        """)


def test_raise_at_module_level_is_kept():
    assert kept_lines("""\
        import keras
        x = 1
        raise SystemExit
        layer = keras.layers.Dense(3)
        """) == {1, 3, 4}


@pytest.mark.parametrize("source", [
    "from os.path import *\nimport keras\nx = 1\nkeras.layers.Dense(3)\n",
    "import keras\nexec('x = 1')\ny = 2\nkeras.layers.Dense(3)\n",
    "import keras\ng = globals()\ny = 2\nkeras.layers.Dense(3)\n",
    "import keras\nprint x\ny = 2\nkeras.layers.Dense(3)\n",  # Python 2: the tolerant path
    "import keras\nx = 1\rkeras.layers.Dense(3)\n",
    "import keras\nkeras.backend.set_image_data_format('channels_first')\ny = 2\n",
])
def test_no_selection(source):
    assert selection(source) is None


def test_everything_needed_is_no_selection():
    assert selection("import keras\nlayer = keras.layers.Dense(3)\n") is None


def test_switched_off(monkeypatch):
    source = "import keras\nimport os\nx = os.getcwd()\nlayer = keras.layers.Dense(3)\n"
    assert select_source(source) is not None
    monkeypatch.setenv("SHAPELINT_NO_SELECT", "1")
    assert select_source(source) is None


def test_noqa_is_read_from_the_whole_text(monkeypatch):
    # The file-level noqa sits on a comment line the selection blanks; the finding's line
    # noqa is on a kept line; both still silence.
    source = textwrap.dedent("""\
        import json
        from keras import layers
        # shapelint: noqa: SL101
        def helper():
            return json.dumps({})
        inputs = layers.Input(shape=(10,))
        x = layers.LSTM(4)(inputs)
        y = layers.Dense(4)(inputs)  # noqa: SL102
        """)
    chosen = select_source(source)
    assert chosen is not None and "shapelint: noqa" not in chosen and "json.dumps" not in chosen
    whole, selected = _both(source, monkeypatch)
    assert _signature(selected) == _signature(whole)
    monkeypatch.setenv("SHAPELINT_NO_SELECT", "1")
    unsilenced = lint_source(source.replace("# shapelint: noqa: SL101", "#"), "x.py", Config(confirm=False))
    assert [d.code for d in unsilenced] == ["SL101"]
    assert [d.code for d in whole] == []


def test_crlf_line_endings_are_kept():
    source = "import keras\r\nimport os\r\nx = os.getcwd()\r\nlayer = keras.layers.Dense(3)\r\n"
    assert select_source(source) == "import keras\r\n\r\n\r\nlayer = keras.layers.Dense(3)\r\n"


def test_only_framework_roots_have_handlers():
    """The roots the selection seeds from are every root a plug-in answers for (besides
    ``collections`` / ``typing.OrderedDict``, reached through the names they bind)."""
    table = HandlerTable(default_plugins())
    roots = ["os", "sys", "math", "random", "json", "re", "functools", "itertools", "collections", "typing",
             "dataclasses", "scipy", "sklearn", "matplotlib", "PIL", "cv2", "jax", "flax", "builtins_x",
             "keras", "tensorflow", "tf_keras", "torch", "numpy", "pandas"]
    attributes = ["zeros", "array", "Dense", "Linear", "Sequential", "Model", "Input", "read_csv", "tensor",
                  "layers.Dense", "nn.Linear", "keras.layers.Dense", "data.Dataset.from_tensor_slices",
                  "utils.to_categorical", "OrderedDict"]
    answered = {root for root in roots for attr in attributes if table.handler(f"{root}.{attr}") is not None}
    assert answered - {"collections", "typing"} == set(answered & FRAMEWORK_ROOTS)
    assert {"keras", "tensorflow", "torch", "numpy", "pandas"} <= answered


# -- reading a large text with ast a chunk at a time (``chunked_units``) ------------------------

TRICKY_CUTS = '''\
import keras
if keras:
    x = 1
else:
    x = 2
try:
    y = 1
except ValueError:
    y = 2
finally:
    z = 3
s = """
def not_code():
pass
"""
total = (1 +
2)
long = 1 + \\
2
@decorator
def f():
    return keras.layers.Dense(3)
for i in range(3):
    pass
else:
    pass
# a comment in column 0
class C:
    pass
'''


def _facts(units):
    return [(u.first, u.last, sorted(u.uses), sorted(u.binds), sorted(u.import_binds), sorted(u.anywhere), u.seed)
            for u in units]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_chunks_give_the_facts_of_the_whole_text(chunk):
    """Cut anywhere the text before parses on its own, never inside an if/else, try/finally,
    a string, a bracket, a backslash continuation or before a decorated def's def."""
    texts = [TRICKY_CUTS] + [p.read_text(encoding="utf-8") for p in FIXTURES[::5]]
    for text in texts:
        try:
            whole = _facts(_units(ast.parse(text)))
        except SyntaxError:
            with pytest.raises(SyntaxError):
                chunked_units(text, chunk)
        else:
            assert _facts(chunked_units(text, chunk)) == whole


def test_a_syntax_error_in_a_late_chunk_is_the_whole_texts():
    text = "import keras\n" * 50 + "def broken(:\n    pass\n" + "x = 1\n" * 50
    with pytest.raises(SyntaxError):
        chunked_units(text, 4)
    assert select_source(text) is None


@pytest.mark.parametrize("star", ["", "from helpers import *\n"])
def test_a_large_file_is_linted_in_bounded_memory(tmp_path, star):
    """Issue 12's aim: under 300 MB at 2 MB.  The whole file's ast tree (over 300 MB) and
    LibCST's parse of a whole module (about 700 MB for 1 MB) are what this guards against,
    also when nothing can be selected (a star import of an unknown module)."""
    block = ('def build_{i}(units={i} % 7 + 4):\n    model = Sequential()\n'
             '    model.add(LSTM(units, input_shape=(10, 3), return_sequences=True))\n'
             '    model.add(LSTM(units))\n    model.add(Dense(1, activation="sigmoid"))\n    return model\n\n\n'
             'def helper_{i}(rows):\n    return [r for r in rows if r and r[0] > {i}]\n\n\n')
    head = star + "from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\n"
    parts, size, i = [head], len(head), 0
    while size < 2_000_000:
        parts.append(block.format(i=i))
        size += len(parts[-1])
        i += 1
    parts.append("build_0(5).add(LSTM(4))\n")  # a finding at the very end: positions still right
    (tmp_path / "big.py").write_text("".join(parts))
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 3000000\n")
    # The peak of the command's own memory (VmHWM, which starts again at exec): ru_maxrss would
    # count the pages of this test process it was forked from (TensorFlow's, in the full suite).
    run_cli = ("import runpy, sys\n"
               "sys.argv = ['shapelint', '--no-cache', '--no-confirm', 'big.py']\n"
               "try:\n    runpy.run_module('shapelint', run_name='__main__')\n"
               "except SystemExit:\n    pass\n"
               "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", run_cli], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600)
    peak_mb = int(done.stderr.split("VmHWM:")[1].split()[0]) / 1024
    assert f"big.py:{''.join(parts).count(chr(10))}:16: SL101" in done.stdout, done.stdout + done.stderr
    assert peak_mb < 300, f"{peak_mb:.0f} MB"


def test_the_facts_cache_gives_the_selection_read_afresh():
    """The language server keeps each statement's facts by its text: a second reading of an
    edited text (the same statement at other lines, a statement twice on one line, an edit
    inside a statement) selects what a fresh reading selects."""
    from shapelint.core import select as select_module

    texts = [TRICKY_CUTS] + [NOISE_BEFORE + p.read_text(encoding="utf-8") + NOISE_AFTER for p in FIXTURES[::7]]
    edited = [t.replace("\n\n", "\n\n# moved down\n\n", 1) for t in texts]
    edited.append("import keras\nx = keras; y = 2\ny = 2; x = keras\n")
    try:
        fresh = [select_module._selection(t) for t in texts + edited]
        select_module.use_facts_cache()
        assert [select_module._selection(t) for t in texts + edited] == fresh  # cache filled
        assert [select_module._selection(t) for t in edited + texts] == fresh[len(texts):] + fresh[:len(texts)]
        assert len(select_module._FACTS_CACHE) > 0
    finally:
        select_module.use_facts_cache(False)
