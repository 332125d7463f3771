"""Confirmation on real TensorFlow: every failing fixture is confirmed, a wrong static check is
refuted and dropped, verdicts are cached, and failures leave findings unconfirmed."""
import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shapelint.confirm import run as confirm_module
from shapelint.confirm.run import CONFIRMED, REFUTED, UNCONFIRMED, confirm, run_worker
from shapelint.core.config import Config
from shapelint.engine import lint_source
from shapelint.frameworks.keras import catalog
from shapelint.frontends import cli
from shapelint.testing import config_for, expected

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FAILING = [p for p in sorted(FIXTURES.rglob("*.py")) if expected(p.read_text())]
TORCH_CODES = ("SL201", "SL202", "SL122")


@pytest.fixture(scope="module")
def fixture_verdicts():
    diagnostics = []
    for path in FAILING:
        source = path.read_text()
        diagnostics += lint_source(source, str(path), config_for(source))
    return confirm(diagnostics)


@pytest.mark.tensorflow
def test_every_failing_keras_fixture_is_confirmed(fixture_verdicts):
    checked = keras2 = 0
    for diag in fixture_verdicts:
        if diag.code == "SL001":
            assert diag.verdict is None  # nothing to build
            continue
        if diag.code in TORCH_CODES:
            continue  # tests/test_torch_confirm.py
        if diag.code == "SL113" or ("trains without an error" in diag.message and isinstance(diag.probe, str)):
            # Silent mistakes: nothing raises, so there is nothing for TensorFlow to show
            # (unless a measurement shows it: one-unit crossentropy's loss is always 0).
            assert (diag.verdict, diag.tf_message) == (
                UNCONFIRMED, "no model to build: no TensorFlow check exists for this kind of finding")
            continue
        assert diag.verdict == CONFIRMED, (diag.path, diag.start, diag.code, diag.tf_message)
        assert diag.confirmed_by.startswith("TensorFlow 2.")
        checked += 1
        keras2 += diag.probe.keras == 2
    assert checked >= 35 and keras2 >= 3  # tf_keras fixtures are confirmed on tf_keras


@pytest.mark.tensorflow
def test_confirmation_quotes_tensorflow(fixture_verdicts):
    messages = {}
    for d in fixture_verdicts:
        if d.verdict == CONFIRMED and d.code not in TORCH_CODES:
            messages.setdefault((d.code, d.probe.keras), set()).add(d.tf_message)

    def said(code, keras, text):
        return any(text in m for m in messages[(code, keras)])

    assert said("SL101", 3, "expected ndim=3, found ndim=2")
    assert said("SL101", 2, "expected ndim=3, found ndim=2")
    assert said("SL111", 3, "batch size must be static")
    assert said("SL111", 2, "If a RNN is stateful, it needs to know its batch size")
    assert said("SL104", 3, "at least 3 dimensions")
    assert messages[("SL121", 3)] == {"every output of the model is exactly 1.0"}


LOOKALIKE = """
import keras
model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    keras.layers.LSTM(8, return_sequences=True),
    keras.layers.LSTM(4),
])
"""


@pytest.fixture
def wrong_catalog(monkeypatch):
    """Make the static check deliberately wrong: LSTM 'accepts only 2-D input'."""
    wrong = dataclasses.replace(catalog.LAYERS["LSTM"], ranks=frozenset({2}))
    monkeypatch.setitem(catalog.LAYERS, "LSTM", wrong)


@pytest.mark.tensorflow
def test_wrong_static_finding_is_refuted(wrong_catalog):
    diagnostics = lint_source(LOOKALIKE, "lookalike.py", Config())
    assert [d.code for d in diagnostics] == ["SL101"]
    verdicts = confirm(diagnostics, use_cache=False)
    assert {d.verdict for d in verdicts} == {REFUTED}
    assert verdicts[0].tf_message == "TensorFlow ran it without an error"


@pytest.mark.tensorflow
def test_cli_drops_refuted_unless_asked(wrong_catalog, tmp_path, capsys, monkeypatch):
    (tmp_path / "lookalike.py").write_text(LOOKALIKE)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lookalike.py"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["--show-refuted", "lookalike.py"]) == 0
    out = capsys.readouterr().out
    assert out.count("[refuted by TensorFlow 2.") == 1
    assert cli.main(["--no-confirm", "lookalike.py"]) == 1
    assert "[" not in capsys.readouterr().out


@pytest.mark.tensorflow
def test_cached_verdicts_need_no_tensorflow(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(tmp_path))
    source = (FIXTURES / "keras" / "stacked_lstm_sequential_add.py").read_text()
    first = confirm(lint_source(source, "m.py", Config()))
    assert first[0].verdict == CONFIRMED

    def no_worker(*args, **kwargs):
        raise AssertionError("the second run must not start TensorFlow")

    monkeypatch.setattr(confirm_module, "run_worker", no_worker)
    second = confirm(lint_source(source, "m.py", Config()))
    assert [(d.verdict, d.tf_message) for d in second] == [(d.verdict, d.tf_message) for d in first]


def test_without_tf_keras_keras2_findings_stay_unconfirmed(monkeypatch):
    monkeypatch.setattr(confirm_module, "tf_keras_installed", lambda: False)
    source = (FIXTURES / "keras" / "stateful_tf_keras.py").read_text()
    verdicts = confirm(lint_source(source, "m.py", Config()), use_cache=False)
    assert {(d.verdict, d.tf_message) for d in verdicts} == {
        (UNCONFIRMED, "tf_keras (Keras 2) is not installed")}


def test_without_tensorflow_findings_stay_unconfirmed(monkeypatch):
    monkeypatch.setattr(confirm_module, "tensorflow_version", lambda: None)
    notes = []
    source = (FIXTURES / "keras" / "stacked_lstm_sequential_add.py").read_text()
    verdicts = confirm(lint_source(source, "m.py", Config()), notify=notes.append)
    assert [(d.verdict, d.tf_message) for d in verdicts] == [(UNCONFIRMED, "TensorFlow is not installed")]
    assert len(notes) == 1 and "TensorFlow is not installed" in notes[0]


def test_unsynthesizable_model_stays_unconfirmed():
    source = textwrap.dedent("""
        import keras
        from mylib import swap
        model = keras.Sequential([keras.Input((10, 2)), keras.layers.Lambda(swap, output_shape=(10, 2)),
                                  keras.layers.LSTM(8), keras.layers.LSTM(4)])
    """)
    diagnostics = lint_source(source, "m.py", Config())
    assert [d.code for d in diagnostics] == ["SL101"]
    verdict = confirm(diagnostics)[0]
    assert verdict.verdict == UNCONFIRMED
    assert verdict.tf_message == "no model to build: a Lambda layer"


@pytest.mark.tensorflow
def test_neutral_unknown_arguments_are_left_out():
    source = textwrap.dedent("""
        import keras
        from mylib import init
        model = keras.Sequential([keras.Input((10, 2)), keras.layers.LSTM(8, kernel_initializer=init),
                                  keras.layers.LSTM(4)])
    """)
    verdict = confirm(lint_source(source, "m.py", Config()))[0]
    assert verdict.verdict == CONFIRMED


@pytest.mark.tensorflow
@pytest.mark.slow  # waits for the 8 s timeout
def test_worker_timeout_is_reported():
    results, failure = run_worker([{"id": 0, "program": "import time\ntime.sleep(60)", "keras": 3}],
                                  timeout=8)
    assert 0 not in results and failure == "the confirmation worker timed out after 8 s"


@pytest.mark.tensorflow
def test_worker_runs_in_a_temporary_directory():
    program = "import os\n__result__ = os.getcwd()"
    results, failure = run_worker([{"id": 7, "program": program, "keras": 3}], timeout=120)
    assert failure is None
    assert "shapelint-confirm-" in results[7]["value"]
    assert Path(results[7]["value"]).exists() is False  # removed after the run


@pytest.mark.tensorflow
def test_json_carries_the_verdict(tmp_path):
    (tmp_path / "m.py").write_text((FIXTURES / "keras" / "stateful_functional.py").read_text())
    result = subprocess.run([sys.executable, "-m", "shapelint", "--format", "json", "m.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    data = json.loads(result.stdout)
    assert data[0]["code"] == "SL111"
    assert data[0]["verdict"] == "confirmed"
    assert "batch size must be static" in data[0]["tensorflow_message"]
    text = subprocess.run([sys.executable, "-m", "shapelint", "m.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300).stdout
    assert "[confirmed by TensorFlow 2." in text and "batch size must be static" in text


def test_configuration_turns_confirmation_off(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nconfirm = false\n")
    (tmp_path / "m.py").write_text((FIXTURES / "keras" / "stateful_functional.py").read_text())
    result = subprocess.run([sys.executable, "-m", "shapelint", "--format", "json", "m.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert json.loads(result.stdout)[0]["verdict"] is None
