"""The flake8 plugin, run through real flake8: the CLI's findings, flake8's selection and noqa."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1, activation="softmax"))
"""


def flake8(*args, cwd):
    # --isolated: no configuration file; a run from another folder would find none anyway.
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return result


def findings(output):
    return [(m["path"], int(m["line"]), int(m["col"]), m["code"], m["message"])
            for m in map(LINE.match, output.splitlines()) if m]


def shapelint_json(*args, cwd):
    result = subprocess.run([sys.executable, "-m", "shapelint", "--format", "json", "--no-confirm",
                             "--no-cache", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    return json.loads(result.stdout)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    return tmp_path


@pytest.mark.slow  # shapelint and flake8 each over every fixture
def test_same_findings_as_the_cli_on_every_fixture(tmp_path):
    corpus = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, corpus)
    ours = shapelint_json("fixtures", cwd=tmp_path)
    theirs = flake8("--select", "SL,E999", "fixtures", cwd=tmp_path).stdout
    # flake8 does not run plugins on a file Python cannot parse (its E999): shapelint lints the
    # rest of such a file on its own command line only.
    unparsable = {d["filename"] for d in ours if d["code"] == "SL001"}
    # flake8 has no notebook support: the findings in notebook cells are shapelint's own.
    expected = sorted((d["filename"], d["location"]["row"], d["location"]["column"], d["code"], d["message"])
                      for d in ours if d["filename"] not in unparsable and d["cell"] is None)
    got = sorted(f for f in findings(theirs) if f[3] != "E999")
    assert len(expected) > 30
    assert got == expected
    # Syntax errors: flake8's E999, never SL001.
    syntax_files = {d["filename"] for d in ours if d["code"] == "SL001"}
    assert syntax_files
    assert syntax_files <= {f[0] for f in findings(theirs) if f[3] == "E999"}
    assert "SL001" not in theirs


def test_the_example_fixture(tmp_path):
    shutil.copy(FIXTURES / "keras" / "stacked_lstm_sequential_add.py", tmp_path / "stacked.py")
    (ours,) = shapelint_json("stacked.py", cwd=tmp_path)
    (theirs,) = findings(flake8("--select", "SL", "stacked.py", cwd=tmp_path).stdout)
    assert theirs == ("stacked.py", 11, 11, "SL101", ours["message"])
    assert (ours["location"]["row"], ours["location"]["column"]) == (11, 11)


def test_columns_count_characters_like_the_cli(tmp_path):
    source = BAD.replace("model.add(LSTM(32))\n", "label = 'é…'; model.add(LSTM(32))\n")
    (tmp_path / "wide.py").write_text(source, encoding="utf-8")
    (ours, _) = shapelint_json("wide.py", cwd=tmp_path)
    theirs = findings(flake8("--select", "SL", "wide.py", cwd=tmp_path).stdout)
    assert theirs[0][:4] == ("wide.py", 6, ours["location"]["column"], "SL101") == ("wide.py", 6, 25, "SL101")


def test_flake8_select_and_ignore_apply(project):
    both = findings(flake8("model.py", cwd=project).stdout)  # SL is in flake8's default selection
    assert [f[3] for f in both] == ["SL101", "SL121"]
    assert [f[3] for f in findings(flake8("--extend-ignore", "SL121", "model.py", cwd=project).stdout)] == ["SL101"]
    assert [f[3] for f in findings(flake8("--select", "SL12", "model.py", cwd=project).stdout)] == ["SL121"]
    assert findings(flake8("--select", "E,W,F", "model.py", cwd=project).stdout) == []
    assert [f[3] for f in findings(flake8("--ignore", "SL1", "--extend-select", "SL121", "model.py",
                                          cwd=project).stdout)] == ["SL121"]


def test_flake8_per_file_ignores(project):
    result = flake8("--per-file-ignores", "model.py:SL101", "model.py", cwd=project)
    assert [f[3] for f in findings(result.stdout)] == ["SL121"]


def test_noqa(project):
    source = BAD.replace("model.add(LSTM(32))\n", "model.add(LSTM(32))  # noqa: SL101\n")
    source = source.replace('activation="softmax"))\n', 'activation="softmax"))  # noqa: E501\n')
    (project / "model.py").write_text(source)
    assert [f[3] for f in findings(flake8("model.py", cwd=project).stdout)] == ["SL121"]
    (project / "model.py").write_text(source.replace("# noqa: E501", "# noqa"))
    assert findings(flake8("model.py", cwd=project).stdout) == []


def test_shapelint_target_keras_option(tmp_path):
    (tmp_path / "old.py").write_text(
        "from keras.models import Sequential\nfrom keras.layers import LSTM\n"
        "m = Sequential()\nm.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))\n")
    assert [f[3] for f in findings(flake8("old.py", cwd=tmp_path).stdout)] == ["SL301"]
    assert findings(flake8("--shapelint-target-keras", "2", "old.py", cwd=tmp_path).stdout) == []
    # Without the option, [tool.shapelint] target-keras is read (flake8's --isolated is about
    # flake8's own configuration files only).
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\ntarget-keras = '2'\n")
    assert findings(flake8("old.py", cwd=tmp_path).stdout) == []


@pytest.mark.tensorflow
def test_confirmation_is_opt_in(project):
    plain = findings(flake8("model.py", cwd=project).stdout)
    assert not any("[confirmed" in f[4] for f in plain)
    confirmed = findings(flake8("--shapelint-confirm", "model.py", cwd=project).stdout)
    assert [f[:4] for f in confirmed] == [f[:4] for f in plain]
    assert "[confirmed by TensorFlow" in confirmed[0][4]


def test_stdin_display_name(project):
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "SL",
                             "--stdin-display-name", "editor.py", "-"], cwd=project, input=BAD,
                            capture_output=True, text=True, timeout=300)
    assert [f[:4] for f in findings(result.stdout)] == [("editor.py", 6, 11, "SL101"), ("editor.py", 7, 20, "SL121")]


def test_registered_with_flake8():
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "shapelint: " in result.stdout


def test_a_bad_configuration_stops_flake8_as_it_stops_shapelint(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nbogus = 1\n")
    (tmp_path / "m.py").write_text('from keras.layers import Dense\nhead = Dense(1, activation="softmax")\n')
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "SL", "m.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 2
    assert "unknown key(s) in [tool.shapelint]: bogus" in result.stderr
    ours = subprocess.run([sys.executable, "-m", "shapelint", "m.py"], cwd=tmp_path, capture_output=True, text=True)
    assert ours.returncode == 2 and "bogus" in ours.stderr
