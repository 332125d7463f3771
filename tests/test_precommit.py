"""The pre-commit hook, run by real pre-commit (try-repo builds the hook's own virtualenv)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "keras"

# try-repo builds a virtualenv and installs shapelint into it: a minute or more.
pytestmark = pytest.mark.slow


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(cwd, hook="shapelint"):
    # try-repo installs shapelint from this checkout (HEAD plus uncommitted changes to
    # tracked files: a new module must be committed or staged to be seen) into a new
    # virtualenv, then runs the hook on the staged files.
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook,
                           "--color", "never"], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home")})


@pytest.fixture
def repository(tmp_path):
    repo = tmp_path / "user-project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    shutil.copy(FIXTURES / "stacked_lstm_sequential_add.py", repo / "bad.py")
    shutil.copy(FIXTURES / "seed003_functional_api_ok.py", repo / "good.py")
    (repo / "notes.txt").write_text("model.add(LSTM(32))\n")
    git("add", ".", cwd=repo)
    return repo


def test_hook_fails_on_the_bad_file_and_passes_on_the_good_one(repository):
    failed = try_repo(repository)
    out = failed.stdout
    assert failed.returncode == 1, out + failed.stderr
    assert "shapelint" in out and "Failed" in out
    assert "bad.py:11:11: SL101 LSTM expects 3-D input" in out
    assert "good.py" not in out.split("Failed", 1)[1]
    # No TensorFlow in the hook's environment: the finding is reported, unconfirmed.
    assert "[unconfirmed: TensorFlow is not installed]" in out

    git("rm", "-q", "-f", "bad.py", cwd=repository)
    passed = try_repo(repository)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout and "SL101" not in passed.stdout


KERAS1 = """\
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(output_dim=1, init="uniform", input_shape=(3,)))
"""


def test_fix_hook_fixes_the_file_and_passes_once_it_is_staged(tmp_path):
    repo = tmp_path / "user-project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "old.py").write_text(KERAS1)
    shutil.copy(FIXTURES / "stacked_lstm_sequential_add.py", repo / "lstm.py")
    git("add", ".", cwd=repo)

    fixed = try_repo(repo, "shapelint-fix")
    out = fixed.stdout
    assert fixed.returncode == 1, out + fixed.stderr
    assert "shapelint (fix)" in out and "Failed" in out and "files were modified by this hook" in out
    assert (repo / "old.py").read_text() == KERAS1.replace('Dense(output_dim=1, init="uniform"',
                                                           'Dense(units=1, kernel_initializer="uniform"')
    # The unsafe fix (return_sequences=True) is not applied by the hook: the finding remains.
    assert "lstm.py:11:11: SL101" in out
    assert "Found 3 errors (2 fixed, 1 remaining)." in out
    assert "1 hidden fix can be enabled with the `--unsafe-fixes` option." in out
    assert (repo / "lstm.py").read_bytes() == (FIXTURES / "stacked_lstm_sequential_add.py").read_bytes()

    git("rm", "-q", "-f", "lstm.py", cwd=repo)
    git("add", "old.py", cwd=repo)
    passed = try_repo(repo, "shapelint-fix")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout and "modified" not in passed.stdout
