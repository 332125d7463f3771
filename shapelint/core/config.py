"""Configuration: ``[tool.shapelint]`` in the nearest ``pyproject.toml``, then the command line."""
from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 2_000_000  # bytes; larger files are reported (SL002) and skipped
MAX_MAX_FILE_SIZE = 100_000_000  # a file is read whole: more would only exhaust memory


class ConfigError(Exception):
    """A configuration or usage error: reported with exit code 2."""


@dataclass(frozen=True)
class Config:
    select: Tuple[str, ...] = ("SL",)
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    exclude: Tuple[str, ...] = ()
    extend_exclude: Tuple[str, ...] = ()
    target_keras: int = 3
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    confirm: bool = True  # build flagged models on TensorFlow when it is installed
    source: Optional[Path] = None  # the pyproject.toml it came from
    root: Optional[Path] = None  # the directory that file is in

    def enabled(self, code: str, path: Optional[str] = None) -> bool:
        """Most specific selector wins, as in ruff: ``--select SL1 --ignore SL101``."""
        selected = [s for s in self.select + self.extend_select if code.startswith(s)]
        if not selected:
            return False
        ignored = [s for s in self.ignore if code.startswith(s)]
        if path is not None:
            for pattern, codes in self.per_file_ignores.items():
                if _matches(path, pattern, self.root):
                    ignored += [s for s in codes if code.startswith(s)]
        return not ignored or max(map(len, selected)) > max(map(len, ignored))

    def excluded(self, path: Path) -> bool:
        return any(_matches(str(path), p, self.root) for p in self.exclude + self.extend_exclude)


def _matches(path: str, pattern: str, root: Optional[Path]) -> bool:
    p = Path(path)
    candidates = {str(p), p.name, p.as_posix()}
    if root is not None:
        try:
            candidates.add(p.resolve().relative_to(root.resolve()).as_posix())
        except (ValueError, OSError):
            pass
    pattern = pattern.rstrip("/")
    return any(fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(c, pattern + "/*")
               or c.startswith(pattern + "/") for c in candidates)


KEYS = {
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "target-keras", "max-file-size", "confirm",
}


def validate_selectors(selectors: Sequence[str], where: str) -> Tuple[str, ...]:
    from shapelint.core.registry import known_codes

    codes = known_codes()
    out = []
    for selector in selectors:
        if not isinstance(selector, str):
            raise ConfigError(f"{where}: expected rule codes, got {selector!r}")
        selector = selector.strip().upper()
        if selector == "ALL":
            selector = "SL"
        if not selector or not any(code.startswith(selector) for code in codes):
            raise ConfigError(f"{where}: unknown rule selector {selector!r} "
                              f"(known: {', '.join(codes)})")
        out.append(selector)
    return tuple(out)


def parse_target(value, where: str) -> int:
    text = str(value).strip()
    if text in ("2", "3"):
        return int(text)
    raise ConfigError(f"{where}: target-keras must be \"2\" or \"3\", not {value!r}")


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.shapelint] table, from ``start`` upwards."""
    start = start.resolve()
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: cannot read: {exc}") from exc
            if "shapelint" in data.get("tool", {}):
                return candidate
        if (directory / ".git").exists():
            break
    return None


def load_config(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    table = data.get("tool", {}).get("shapelint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.shapelint] must be a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.shapelint]: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(KEYS))})")
    where = f"{path}: [tool.shapelint]"

    def strings(key):
        value = table.get(key, [])
        if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} {key} must be a list of strings")
        return tuple(value)

    config = Config(source=path, root=path.parent)
    changes = {}
    if "select" in table:
        changes["select"] = validate_selectors(strings("select"), f"{where} select")
    if "extend-select" in table:
        changes["extend_select"] = validate_selectors(strings("extend-select"), f"{where} extend-select")
    if "ignore" in table:
        changes["ignore"] = validate_selectors(strings("ignore"), f"{where} ignore")
    if "exclude" in table:
        changes["exclude"] = strings("exclude")
    if "extend-exclude" in table:
        changes["extend_exclude"] = strings("extend-exclude")
    if "target-keras" in table:
        changes["target_keras"] = parse_target(table["target-keras"], f"{where} target-keras")
    if "max-file-size" in table:
        size = table["max-file-size"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{where} max-file-size must be a positive integer (bytes)")
        if size > MAX_MAX_FILE_SIZE:
            raise ConfigError(f"{where} max-file-size must be at most {MAX_MAX_FILE_SIZE:,} bytes, "
                              f"not {size:,}")
        changes["max_file_size"] = size
    if "confirm" in table:
        if not isinstance(table["confirm"], bool):
            raise ConfigError(f"{where} confirm must be true or false")
        changes["confirm"] = table["confirm"]
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where} per-file-ignores must be a table of pattern = [codes]")
        changes["per_file_ignores"] = {
            pattern: validate_selectors(codes if isinstance(codes, list) else [codes],
                                        f"{where} per-file-ignores {pattern!r}")
            for pattern, codes in pfi.items()
        }
    return replace(config, **changes)
