"""The command line, run as a user runs it (a real subprocess).

Confirmation on TensorFlow, the default, is run by the tests marked ``tensorflow``; the others
pass ``--no-confirm``, as what they check does not depend on it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1, activation="softmax"))
"""


def run(*args, cwd=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, input=stdin, timeout=120)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "model.py").write_text(BAD)
    return tmp_path


@pytest.mark.tensorflow  # the default run confirms its findings on TensorFlow
def test_findings_exit_1_flake8_format(project):
    result = run("model.py", cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("model.py:6:11: SL101 LSTM expects 3-D input")
    assert "from LSTM at line 5, which returns only its last step" in lines[0]
    assert "pass return_sequences=True" in lines[0]
    assert lines[1].startswith("model.py:7:20: SL121 ")
    assert len(lines) == 2


def test_clean_exit_0(tmp_path):
    (tmp_path / "ok.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\n")
    result = run("ok.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.tensorflow  # the default run confirms its findings on TensorFlow
def test_fixture_directory(tmp_path):
    result = run(FIXTURES, cwd=tmp_path)
    assert result.returncode == 1
    codes = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines()}
    assert {"SL001", "SL101", "SL102", "SL103", "SL104", "SL111", "SL121", "SL301"} <= codes
    # Clean look-alikes stay clean; those written for Keras 2 (`*_k2_ok.py`, linted by the
    # fixture tests with target-keras=2) legitimately get Keras 3 findings in a default run.
    assert not [line for line in result.stdout.splitlines() if "_ok." in line and "_k2_ok." not in line]


def test_json_format(project):
    result = run("--no-confirm", "--format", "json", "model.py", cwd=project)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == ["SL101", "SL121"]
    first = data[0]
    assert first["name"] == "rank-mismatch"
    assert first["location"] == {"row": 6, "column": 11}
    assert first["end_location"] == {"row": 6, "column": 19}
    assert first["related"][0]["location"] == {"row": 5, "column": 11}
    assert "(None, 32)" in first["related"][0]["message"]


def test_select_ignore_exit_zero(project):
    assert run("--no-confirm", "--select", "SL121", "model.py", cwd=project).stdout.count("SL") == 1
    assert "SL101" not in run("--no-confirm", "--ignore", "SL101", "model.py", cwd=project).stdout
    only_101 = run("--no-confirm", "--select", "SL1", "--ignore", "SL12", "model.py", cwd=project).stdout
    assert "SL101" in only_101 and "SL121" not in only_101
    result = run("--no-confirm", "--exit-zero", "model.py", cwd=project)
    assert result.returncode == 0 and "SL101" in result.stdout


def test_unknown_selector_is_usage_error(project):
    result = run("--select", "XY999", "model.py", cwd=project)
    assert result.returncode == 2
    assert "unknown rule selector 'XY999'" in result.stderr


def test_noqa(project):
    source = BAD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SL101")
    source = source.replace('activation="softmax"))', 'activation="softmax"))  # noqa')
    (project / "model.py").write_text(source)
    result = run("--no-confirm", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "")
    (project / "model.py").write_text(BAD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SL121"))
    assert "SL101" in run("--no-confirm", "model.py", cwd=project).stdout


def test_pyproject_configuration(project):
    (project / "pyproject.toml").write_text(
        "[tool.shapelint]\nignore = ['SL121']\ntarget-keras = '3'\n"
        "per-file-ignores = { 'legacy/*' = ['SL101'] }\n")
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(BAD)
    result = run("--no-confirm", ".", cwd=project)
    assert "SL121" not in result.stdout
    assert "model.py:6:11: SL101" in result.stdout.replace("./", "")
    assert "old.py" not in result.stdout


def test_pyproject_unknown_key_is_error(project):
    (project / "pyproject.toml").write_text("[tool.shapelint]\nselekt = ['SL1']\n")
    result = run("model.py", cwd=project)
    assert result.returncode == 2
    assert "unknown key(s) in [tool.shapelint]: selekt" in result.stderr


def test_pyproject_bad_target(project):
    (project / "pyproject.toml").write_text("[tool.shapelint]\ntarget-keras = 4\n")
    result = run("model.py", cwd=project)
    assert result.returncode == 2 and "target-keras" in result.stderr


def test_target_keras_2(tmp_path):
    (tmp_path / "old.py").write_text(
        "from keras.models import Sequential\nfrom keras.layers import LSTM\n"
        "m = Sequential()\nm.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))\n")
    assert "SL301" in run("--no-confirm", "old.py", cwd=tmp_path).stdout
    result = run("--no-confirm", "--target-keras", "2", "old.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert run("--target-keras", "5", "old.py", cwd=tmp_path).returncode == 2


def test_rule_command():
    result = run("rule", "SL101")
    assert result.returncode == 0
    for section in ("rank-mismatch", "## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in result.stdout
    assert "model.add(LSTM(32))  # expect: SL101" in result.stdout
    listing = run("rule", "--all").stdout
    assert "SL111  stateful-needs-batch-size" in listing
    assert run("rule", "SL999").returncode == 2


def test_discovery_skips_virtualenvs_and_git(tmp_path):
    for folder in (".git", "venv", ".tox", "node_modules", "env"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(BAD)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(BAD)
    (tmp_path / "src" / "notes.txt").write_text(BAD)
    out = run("--no-confirm", ".", cwd=tmp_path).stdout
    files = {line.split(":")[0] for line in out.splitlines()}
    assert files == {"src/m.py"}


def test_exclude_setting(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nextend-exclude = ['generated']\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "m.py").write_text(BAD)
    (tmp_path / "m.py").write_text(BAD)
    out = run("--no-confirm", ".", cwd=tmp_path).stdout
    assert "generated" not in out and "m.py:6:11" in out


def test_bad_inputs_do_not_stop_the_run(tmp_path):
    (tmp_path / "broken.py").write_text("import keras\ndef f(:\n    pass\n")
    (tmp_path / "binary.py").write_bytes(b"import keras\x00\x01\x02")
    (tmp_path / "latin.py").write_bytes(b"import keras\nname = '\xe9t\xe9'\n")
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport keras\nname = '\xe9t\xe9'\n")
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "huge.py").write_text("import keras\n" + "x = 1\n" * 400_000)
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "model.py").write_text(BAD)
    result = run("--no-confirm", ".", "missing.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "broken.py:2:7: SL001 cannot parse: invalid syntax" in out
    assert "binary.py:1:1: SL002 file skipped: it is binary" in out
    assert "latin.py:1:1: SL002 cannot decode file as utf-8" in out
    assert "huge.py:1:1: SL002 file skipped: 2,400,013 bytes is over max-file-size" in out
    assert "dangling.py:1:1: SL002 cannot read file" in out
    assert "missing.py:1:1: SL002 No such file or directory" in out
    assert "model.py:6:11: SL101" in out
    assert "cookie.py" not in out and "empty.py" not in out


@pytest.mark.tensorflow  # the default run confirms its findings on TensorFlow
def test_files_are_never_modified(project):
    before = (project / "model.py").read_bytes()
    run("model.py", cwd=project)
    assert (project / "model.py").read_bytes() == before
