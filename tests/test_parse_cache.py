"""Parse once per statement (the language server's cache): the assembled module prints back
to exactly the text, findings and their positions are the same as with one whole parse, and
an edit re-parses only the statements it touched."""
from pathlib import Path

import libcst
import pytest

from shapelint import engine
from shapelint.core.config import Config
from shapelint.core.parse_cache import ParseCache, split

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
STATIC = Config(confirm=False)


@pytest.fixture
def cached():
    engine.use_parse_cache(True)
    yield engine._PARSE_CACHE
    engine.use_parse_cache(False)


def _shown(diags):
    return [(d.code, d.start, d.end, d.message, tuple((r.start, r.message) for r in d.related)) for d in diags]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_the_assembled_module_is_the_text(path):
    text = path.read_text(encoding="utf-8")
    try:
        whole = libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        with pytest.raises(libcst.ParserSyntaxError):  # the same error reaches the engine
            ParseCache().parse(text)
        return
    assert ParseCache().parse(text).code == whole.code == text


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_findings_are_those_of_a_whole_parse(path, cached):
    text = path.read_text(encoding="utf-8")
    engine.use_parse_cache(False)
    whole = _shown(engine.lint_source(text, str(path), STATIC))
    engine.use_parse_cache(True)
    first = _shown(engine.lint_source(text, str(path), STATIC))
    edited = text + "\n\nunrelated = [1, 2, 3]\n"
    again = _shown(engine.lint_source(edited, str(path), STATIC))
    assert first == whole
    assert again == whole  # the same statements, now from the cache, at the same places


def test_an_edit_reparses_only_what_it_touched(cached):
    text = "\n".join(f"value_{i} = {i}  # a statement of its own" for i in range(50))
    model = "model = keras.Sequential([keras.Input((10, 3)), keras.layers.LSTM(8), keras.layers.LSTM(4)])\n"
    text = "import keras\n" + text + "\n" + model
    engine.lint_source(text, "m.py", STATIC)
    before = cached.misses
    edited = text.replace("value_7 = 7", "value_7 = 8")
    [diag] = engine.lint_source(edited, "m.py", STATIC)
    assert cached.misses - before <= 2  # the edited statement (and nothing else of the 52)
    assert diag.code == "SL101" and diag.start.line == 52


def test_the_same_statement_twice_is_located_twice(cached):
    bad = "model = Sequential([LSTM(8, input_shape=(3, 2)), LSTM(4)])\n"
    text = "from keras.models import Sequential\nfrom keras.layers import LSTM\n" + bad + "print(1)\n" + bad
    lines = [d.start.line for d in engine.lint_source(text, "m.py", STATIC)]
    assert lines == [3, 5]
    lines = [d.start.line for d in engine.lint_source(text + "\n", "m.py", STATIC)]
    assert lines == [3, 5]


def test_texts_it_does_not_split_are_parsed_whole():
    assert split("x = 1\f\ny = 2\n") is None  # a form feed
    assert split("x = (\n") is None  # ast cannot read it: the tolerant path gets the error
    assert split("x = 1\r\ny = 2\r\n") == ["x = 1\r\n", "y = 2\r\n"]
    assert split("a = 1; b = 2\n# end\n") == ["a = 1; b = 2\n", "# end\n"]
    assert split("@dec\ndef f():\n    pass\n\nx = 1") == ["@dec\ndef f():\n    pass\n", "\nx = 1"]
