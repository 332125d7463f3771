"""Test helpers: expectations written on the line, as in flake8-bugbear's fixtures.

A line ending in ``# expect: SL101`` (or ``# expect: SL101, SL121``) must be reported with
those codes, and no other line may be reported.
"""
from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import textwrap
import threading
import time
from typing import Callable, Dict, List, Optional, Set, Tuple

from shapelint.core.config import Config
from shapelint.engine import lint_source

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>SL\d+(?:\s*,\s*SL\d+)*)")
_TARGET = re.compile(r"#\s*shapelint-test:\s*target-keras=(?P<target>[23])")


def expected(source: str) -> Set[Tuple[int, str]]:
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                found.add((number, code))
    return found


def config_for(source: str, **settings) -> Config:
    """The configuration a test file asks for (``# shapelint-test: target-keras=2``), with
    ``settings`` on top (``confirm=False``)."""
    match = _TARGET.search(source)
    if match:
        settings.setdefault("target_keras", int(match.group("target")))
    return Config(**settings)


def reported(source: str, path: str = "<test>", config: Config = None) -> Set[Tuple[int, str]]:
    diagnostics = lint_source(source, path, config or config_for(source))
    return {(d.start.line, d.code) for d in diagnostics}


def codes(source: str, **config) -> List[str]:
    """Codes reported on a dedented snippet: the one-line assertion helper."""
    source = textwrap.dedent(source)
    return [d.code for d in lint_source(source, "<test>", Config(**config))]


class ServerProcess:
    """``shapelint server`` in a subprocess, spoken to over stdio as an editor does (the
    benchmark's and the shutdown test's client: raw JSON-RPC, no client library)."""

    def __init__(self, env: Optional[Dict[str, str]] = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "shapelint", "server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                char = stream.read(1)
                if not char:
                    return
                header += char
            length = int([h for h in header.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        data = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def wait(self, predicate: Callable[[dict], bool], timeout: float) -> Optional[dict]:
        """The first message from now on that ``predicate`` accepts, or None after ``timeout``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                message = self.messages.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            if predicate(message):
                return message
        return None

    def initialize(self, options: Optional[dict] = None) -> Optional[dict]:
        """The handshake; returns the server's answer to ``initialize`` (None if none came)."""
        self.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": None, "capabilities": {},
                              "initializationOptions": options or {}}})
        answer = self.wait(lambda m: m.get("id") == 1, 60)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        return answer

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}})

    def close(self) -> None:
        """Shutdown and exit, as an editor does; killed if it does not go."""
        self.send({"jsonrpc": "2.0", "id": 9, "method": "shutdown"})
        self.wait(lambda m: m.get("id") == 9, 30)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
