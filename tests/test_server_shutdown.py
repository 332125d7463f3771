"""Shutting the language server down while a confirmation runs: the answer comes at once, and
the warm confirmation worker and its folder are gone (a real client over stdio)."""
import os
import time
from pathlib import Path

import pytest

from shapelint.testing import ServerProcess

STACKED = """\
import keras
model = keras.Sequential([keras.Input(shape=(10, 8)), keras.layers.LSTM(32), keras.layers.LSTM(16)])
"""


def _workers(parent):
    """The confirmation workers among the server's children: (pid, folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            folder = os.readlink(entry / "cwd")
        except OSError:
            continue
        ppid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        if ppid == parent and "shapelint.confirm.worker" in command:
            found.append((int(entry.name), folder))
    return found


@pytest.mark.lsp
@pytest.mark.tensorflow
def test_shutdown_during_a_confirmation_answers_at_once_and_leaves_nothing(tmp_path):
    client = ServerProcess({**os.environ, "SHAPELINT_CACHE_DIR": str(tmp_path / "cache")})
    try:
        assert client.initialize() is not None
        client.open((tmp_path / "model.py").as_uri(), STACKED)
        # The static finding arrives; the warm worker is then importing TensorFlow for its verdict.
        assert client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                           and m["params"]["diagnostics"], 60)
        deadline = time.monotonic() + 30
        while not _workers(client.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        [(worker, folder)] = _workers(client.proc.pid)
        assert os.path.isdir(folder) and "shapelint-confirm-" in folder
        started = time.monotonic()
        client.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        assert client.wait(lambda m: m.get("id") == 2, 30)
        assert time.monotonic() - started < 10  # not held by the running confirmation
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert client.proc.wait(30) == 0
        assert not Path(f"/proc/{worker}").exists() or "zombie" in Path(f"/proc/{worker}/status").read_text()
        assert not os.path.exists(folder)
    finally:
        if client.proc.poll() is None:
            client.proc.kill()
