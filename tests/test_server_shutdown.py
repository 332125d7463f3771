"""Shutting the language server down while a confirmation runs: the answer comes at once, and
the warm confirmation worker and its folder are gone (a real client over stdio)."""
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

STACKED = """\
import keras
model = keras.Sequential([keras.Input(shape=(10, 8)), keras.layers.LSTM(32), keras.layers.LSTM(16)])
"""


class Client:
    def __init__(self, env):
        self.proc = subprocess.Popen([sys.executable, "-m", "shapelint", "server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.messages = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                char = stream.read(1)
                if not char:
                    return
                header += char
            length = int([h for h in header.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
            self.messages.append(json.loads(stream.read(length)))

    def send(self, message):
        data = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def wait(self, predicate, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(predicate(m) for m in self.messages):
                return True
            time.sleep(0.05)
        return False


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
    client = Client({**os.environ, "SHAPELINT_CACHE_DIR": str(tmp_path / "cache")})
    try:
        client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                     "params": {"processId": None, "rootUri": None, "capabilities": {}}})
        assert client.wait(lambda m: m.get("id") == 1, 60)
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        uri = (tmp_path / "model.py").as_uri()
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": STACKED}}})
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
