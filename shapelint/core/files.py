"""Finding the files to lint and reading them without ever failing the run."""
from __future__ import annotations

import io
import os
import tokenize
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from shapelint.core.config import Config

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", "__pycache__", "node_modules",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".eggs", "site-packages", "build", "dist",
    ".ipynb_checkpoints", ".direnv",
}


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(paths: List[Path], config: Config) -> Iterator[Tuple[Path, Optional[str]]]:
    """Yield ``(path, problem)``; ``problem`` is set for arguments that cannot be linted."""
    seen = set()
    for root in paths:
        if not root.exists() and not root.is_symlink():
            yield root, "No such file or directory"
            continue
        if root.is_file() or not root.is_dir():
            if root not in seen:  # an explicit file is linted whatever its name
                seen.add(root)
                yield root, None
            continue
        for dirpath, dirnames, filenames in os.walk(root, onerror=None):
            current = Path(dirpath)
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not d.endswith(".egg-info")
                and not _is_virtualenv(current / d) and not config.excluded(current / d)
            )
            for name in sorted(filenames):
                if not (name.endswith(".py") or name.endswith(".pyi")):
                    continue
                path = current / name
                if path in seen or config.excluded(path):
                    continue
                seen.add(path)
                yield path, None


def read_source(path: Path, max_size: int) -> Tuple[Optional[str], Optional[str]]:
    """``(text, None)`` or ``(None, why it cannot be read)``."""
    try:
        size = path.stat().st_size
        if size > max_size:
            return None, f"file skipped: {size:,} bytes is over max-file-size ({max_size:,} bytes)"
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    return decode_source(data)


def decode_source(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    if b"\x00" in data:
        return None, "file skipped: it is binary (contains NUL bytes), not Python source"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return None, f"cannot decode file: {exc}"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return None, f"cannot decode file as {encoding}: {exc}"
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None
