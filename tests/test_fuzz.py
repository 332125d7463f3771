"""A seeded, bounded fuzzer: mutations of the fixtures (deleted, duplicated and swapped lines and
tokens, deep nesting, huge literals, odd bytes, truncation) never crash shapelint.  In process no
finding may come from an internal error (SL003 other than the parser limits); on the command
line the exit code stays 0 or 1 and nothing prints a traceback."""
import random
import re
import subprocess
import sys
from pathlib import Path

from shapelint.core.config import Config
from shapelint.engine import lint_source

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").rglob("*.py"))
PARSER_LIMITS = ("nested or chained", "LibCST")


def _mutate(rng: random.Random, src: str) -> str:
    lines = src.splitlines(True)
    op = rng.randrange(8)
    if op == 0:
        for _ in range(rng.randint(1, 3)):
            if lines:
                del lines[rng.randrange(len(lines))]
    elif op == 1:
        tokens = re.findall(r"\w+|[^\w\s]", src)
        if len(tokens) > 2:
            a, b = rng.sample(tokens, 2)
            return src.replace(a, "\0", 1).replace(b, a, 1).replace("\0", b, 1)
    elif op == 2:
        n = rng.choice([50, 150, 199, 250, 600])
        lines.insert(rng.randrange(len(lines) + 1), "z = " + "(" * n + "1" + ")" * n + "\n")
    elif op == 3:
        literal = rng.choice(["9" * 500, "10**400", "1e999", "2**2**2**2**2", "-" * 300 + "1", "'a' * 10**9"])
        lines.insert(rng.randrange(len(lines) + 1), f"N = {literal}\n")
    elif op == 4:
        at = rng.randrange(len(src) + 1)
        return src[:at] + rng.choice(["\x00", "\ufffd", "\t\t", "\\", "'''", "#", "@", "lambda:", ")", "]"]) + src[at:]
    elif op == 5:
        return re.sub(r"\b\d+\b", lambda m: rng.choice(["0", "-1", "1000000000", m.group(), "None", "x"]), src)
    elif op == 6:
        if lines:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
    else:
        return src[:rng.randrange(len(src) + 1)]
    return "".join(lines)


def _cases(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        src = rng.choice(FIXTURES).read_text(encoding="utf-8")
        for _ in range(rng.randint(1, 3)):
            src = _mutate(rng, src)
        yield src


def test_mutated_fixtures_never_fail_inside():
    internal = []
    for src in _cases(seed=20261128, count=200):
        for target in (3, 2):
            for diag in lint_source(src, "fuzz.py", Config(target_keras=target)):
                if diag.code == "SL003" and not any(limit in diag.message for limit in PARSER_LIMITS):
                    internal.append(diag.message)
    assert not internal, internal[:3]


def test_mutated_files_on_the_command_line_exit_0_or_1(tmp_path):
    for index, src in enumerate(_cases(seed=7, count=40)):
        data = src.encode("utf-8", "surrogatepass")
        if index % 10 == 3:
            data = data[:len(data) // 2] + b"\xff\xfe" + data[len(data) // 2:]  # not UTF-8
        (tmp_path / f"case_{index}.py").write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "shapelint", "--no-confirm", "--no-cache", "-j", "2", str(tmp_path)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
