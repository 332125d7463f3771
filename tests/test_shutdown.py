"""Stopping shapelint leaves nothing behind: a SIGTERM during confirmation kills and reaps the
TensorFlow worker and removes its temporary folder."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.tensorflow

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(10, 4)))
model.add(LSTM(16))
model.add(Dense(1))
"""


def _workers_under(folder: Path):
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if str(folder) in os.readlink(proc / "cwd"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_sigterm_during_confirmation_kills_the_worker_and_removes_its_folder(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    (tmp_path / "model.py").write_text(BAD)
    env = {**os.environ, "TMPDIR": str(temp), "SHAPELINT_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.Popen([sys.executable, "-m", "shapelint", "--no-cache", "model.py"], cwd=tmp_path,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(temp.glob("shapelint-confirm-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(temp.glob("shapelint-confirm-*")), "the confirmation worker never started"
    time.sleep(0.5)  # the worker is importing TensorFlow
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=60)
    assert run.returncode == 130
    assert not list(temp.glob("shapelint-confirm-*"))
    assert not _workers_under(temp)
