"""Output formats, --statistics and standard input, through the real command line."""
import json
import subprocess
import sys

import pytest

from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.frontends.formats import format_github

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1, activation="softmax"))
"""
FIRST = "LSTM expects 3-D input (batch, timesteps, features) but receives (None, 32) from LSTM at line 5"


def run(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, input=stdin, timeout=300)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nper-file-ignores = { 'legacy/*' = ['SL121'] }\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(BAD)
    return tmp_path


@pytest.mark.tensorflow
def test_text_has_the_verdict_concise_does_not(project):
    text = run("src/model.py", cwd=project)
    concise = run("--format", "concise", "src/model.py", cwd=project)
    assert text.returncode == concise.returncode == 1
    first_text, first_concise = text.stdout.splitlines()[0], concise.stdout.splitlines()[0]
    assert first_concise.startswith(f"src/model.py:6:11: SL101 {FIRST}")
    assert first_concise.endswith("pass return_sequences=True to that LSTM")
    assert first_text.startswith(first_concise + " [confirmed by TensorFlow")
    assert len(concise.stdout.splitlines()) == 2


def test_github_workflow_commands(tmp_path):
    # A file name with the property separators and the escape character.
    name = "my,model:50%.py"
    (tmp_path / name).write_text(BAD)
    result = run("--format", "github", "--no-confirm", name, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == ("::error file=my%2Cmodel%3A50%25.py,line=6,col=11,endLine=6,endColumn=19,"
                        f"title=SL101::{FIRST}, which returns only its last step; "
                        "pass return_sequences=True to that LSTM")
    assert lines[1].startswith("::error file=my%2Cmodel%3A50%25.py,line=7,col=20,endLine=7,endColumn=40,title=SL121::")
    assert len(lines) == 2


def test_github_escapes_newlines_and_percent():
    diag = Diagnostic("SL101", "50% of\r\nit: a, b", "a,b:c.py", Position(1, 2), Position(3, 4))
    assert format_github(diag) == ("::error file=a%2Cb%3Ac.py,line=1,col=2,endLine=3,endColumn=4,"
                                   "title=SL101::50%25 of%0D%0Ait: a, b")


def validate_sarif(log: dict) -> None:
    """What GitHub code scanning requires of a SARIF 2.1.0 upload (and what we promise)."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "shapelint" and driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and "## What it does" in rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://") and rule["helpUri"].endswith(".py")
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    for result in run_["results"]:
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        for location in result["locations"] + result.get("relatedLocations", []):
            artifact = location["physicalLocation"]["artifactLocation"]
            assert "\\" not in artifact["uri"] and not artifact["uri"].startswith("/")
            assert artifact["uriBaseId"] == "%SRCROOT%"
            region = location["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


@pytest.mark.tensorflow
def test_sarif(project):
    result = run("--format", "sarif", "src/model.py", cwd=project)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    validate_sarif(log)
    run_ = log["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]][:4] == ["SL001", "SL002", "SL003", "SL101"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    first, second = run_["results"]
    assert first["ruleId"] == "SL101" and second["ruleId"] == "SL121"
    assert first["message"]["text"].startswith(FIRST)
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/model.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 6, "startColumn": 11, "endLine": 6, "endColumn": 19}
    related = first["relatedLocations"][0]
    assert related["physicalLocation"]["region"]["startLine"] == 5
    assert "(None, 32)" in related["message"]["text"]
    assert first["properties"]["verdict"] == "confirmed"
    assert first["properties"]["confirmedBy"].startswith("TensorFlow")


def test_sarif_without_findings_is_valid(tmp_path):
    (tmp_path / "ok.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\n")
    result = run("--format", "sarif", "ok.py", cwd=tmp_path)
    assert result.returncode == 0
    log = json.loads(result.stdout)
    validate_sarif(log)
    assert log["runs"][0]["results"] == []


def test_statistics(project):
    (project / "src" / "two.py").write_text(BAD)
    result = run("--statistics", "--no-confirm", "src", cwd=project)
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["2     SL101 rank-mismatch", "2     SL121 softmax-single-unit"]
    assert len(lines) == 6
    as_json = run("--statistics", "--format", "json", "--no-confirm", "src", cwd=project)
    assert len(json.loads(as_json.stdout)) == 4  # standard output stays JSON
    assert "2     SL101 rank-mismatch" in as_json.stderr


def test_stdin(project):
    result = run("-", "--no-confirm", cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith(f"-:6:11: SL101 {FIRST}")
    named = run("-", "--stdin-filename", "src/model.py", "--no-confirm", cwd=project, stdin=BAD)
    assert named.stdout.startswith(f"src/model.py:6:11: SL101 {FIRST}")
    assert "src/model.py:7:20: SL121" in named.stdout
    # per-file-ignores go by the given name; --stdin-filename alone implies '-'.
    legacy = run("--stdin-filename", "legacy/model.py", "--no-confirm", cwd=project, stdin=BAD)
    assert "legacy/model.py:6:11: SL101" in legacy.stdout and "SL121" not in legacy.stdout
    clean = run("-", cwd=project, stdin="import keras\n")
    assert (clean.returncode, clean.stdout) == (0, "")


def test_stdin_together_with_files(project):
    result = run("-", "src/model.py", "--stdin-filename", "editor.py", "--format", "concise",
                 "--no-confirm", cwd=project, stdin=BAD)
    files = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert files == ["editor.py", "editor.py", "src/model.py", "src/model.py"]


def test_unknown_format_is_usage_error(project):
    result = run("--format", "xml", "src/model.py", cwd=project)
    assert result.returncode == 2 and "invalid choice: 'xml'" in result.stderr


def test_paths_in_sarif_outside_the_root_are_absolute(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "outside.py").write_text(BAD)
    result = run("--format", "sarif", "--no-confirm", "../outside.py", cwd=tmp_path / "inner")
    location = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (tmp_path / "outside.py").resolve().as_uri()}


def test_the_same_rule_documentation_as_the_rule_command(project):
    log = json.loads(run("--format", "sarif", "--no-confirm", "src/model.py", cwd=project).stdout)
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "SL101")
    assert rule["help"]["text"] == run("rule", "SL101", cwd=project).stdout
