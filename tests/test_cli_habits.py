"""What a ruff user expects from the command line: a run that selects nothing says so, and a
bare command name that is also a path is never guessed at."""
import subprocess
import sys

import pytest

SHAPELINT = [sys.executable, "-m", "shapelint"]


def run(args, cwd, stdin=subprocess.DEVNULL):
    return subprocess.run(SHAPELINT + args, cwd=cwd, capture_output=True, text=True, timeout=120, stdin=stdin)


def test_no_python_files_found_is_said_on_stderr(tmp_path):
    (tmp_path / "notes.txt").write_text("model.add(LSTM(32))\n")
    result = run(["--no-confirm", "."], tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert "no Python files found" in result.stderr


@pytest.mark.parametrize("command", ["rule", "summary"])
def test_a_command_that_is_also_a_folder_stops_with_both_spellings(tmp_path, command):
    (tmp_path / command).mkdir()
    result = run([command], tmp_path)
    assert result.returncode == 2
    assert f"shapelint check {command}" in result.stderr


def test_the_explicit_check_lints_the_folder(tmp_path):
    (tmp_path / "rule").mkdir()
    (tmp_path / "rule" / "model.py").write_text(
        "from keras.layers import Dense\nhead = Dense(1, activation='softmax')\n")
    result = run(["check", "--no-confirm", "rule"], tmp_path)
    assert result.returncode == 1 and "SL121" in result.stdout


def test_server_without_a_client_fails_instead_of_passing(tmp_path):
    (tmp_path / "server").mkdir()
    result = run(["server"], tmp_path)  # standard input at its end, as in CI
    assert result.returncode == 2
    assert "shapelint check server" in result.stderr
