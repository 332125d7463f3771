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


def try_repo(cwd):
    # try-repo installs shapelint from this checkout (HEAD plus uncommitted changes to
    # tracked files) into a new virtualenv, then runs the hook on the staged files.
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "shapelint",
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
