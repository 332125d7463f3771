"""Output formats: diagnostics in, text out.  No format knows how diagnostics were made.

``text`` (with the TensorFlow verdict), ``concise`` (one line, no verdict), ``json``,
``github`` (GitHub Actions workflow commands) and ``sarif`` (SARIF 2.1.0 for code scanning).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence
from urllib.parse import quote

from shapelint import __version__
from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.core.registry import REPOSITORY, all_rules, docs_url, rule_for

FORMATS = ("text", "concise", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def display_path(path: str) -> str:
    """A file name as printable text on one line: a byte that is not valid in the file system's
    encoding (kept by Python as a lone surrogate) as ``\\xff``, a newline or another control
    character as its escape (``\\n``), so that one finding stays one line and output never fails
    to encode."""
    if path.isprintable():
        return path
    out = []
    for char in path:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        elif not char.isprintable():
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


def where(diag: Diagnostic) -> str:
    """``path:line:column``, or in a notebook ``path:cell N:line:column`` (as ruff writes it)."""
    cell = f"cell {diag.cell}:" if diag.cell is not None else ""
    return f"{display_path(diag.path)}:{cell}{diag.start.line}:{diag.start.column}"


def format_text(diag: Diagnostic) -> str:
    return f"{where(diag)}: {diag.code} {diag.message}{diag.suffix()}"


def format_concise(diag: Diagnostic) -> str:
    return f"{where(diag)}: {diag.code} {diag.message}"


def render_lines(diagnostics: Sequence[Diagnostic], line: Callable[[Diagnostic], str]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2) + "\n"


# -- GitHub Actions ---------------------------------------------------------------------------

def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diag: Diagnostic) -> str:
    level = "warning" if diag.verdict == "refuted" else "error"
    props = [("file", display_path(diag.path)), ("line", diag.start.line), ("col", diag.start.column),
             ("endLine", diag.end.line), ("endColumn", diag.end.column), ("title", diag.code)]
    joined = ",".join(f"{key}={_escape_property(str(value))}" for key, value in props)
    # In a notebook the line is the cell's (GitHub knows no cells): the message names the cell.
    cell = f"cell {diag.cell}: " if diag.cell is not None else ""
    return f"::{level} {joined}::{_escape_data(cell + diag.message + diag.suffix())}"


# -- SARIF 2.1.0 ------------------------------------------------------------------------------

def artifact_location(path: str, root: Path) -> Dict[str, str]:
    """A URI relative to ``%SRCROOT%`` (the directory shapelint ran in), forward slashes."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(os.path.abspath(root))
    except ValueError:
        return {"uri": absolute.as_uri()}
    # The name's bytes, percent-encoded: a name that is not valid UTF-8 is still a valid URI.
    return {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": "%SRCROOT%"}


def _region(start: Position, end: Position) -> Dict[str, int]:
    return {"startLine": start.line, "startColumn": start.column,
            "endLine": end.line, "endColumn": end.column}


def sarif_rule(rule) -> dict:
    documentation = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": documentation, "markdown": documentation},
        "helpUri": docs_url(rule.code),
        "defaultConfiguration": {"level": "error"},
    }


def sarif_log(diagnostics: Sequence[Diagnostic], root: Optional[Path] = None) -> dict:
    root = Path(root or os.getcwd())
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for diag in diagnostics:
        result = {
            "ruleId": diag.code,
            "level": "note" if diag.verdict == "refuted" else "error",
            "message": {"text": diag.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact_location(diag.path, root),
                "region": _region(diag.start, diag.end)}}],
        }
        if diag.cell is not None:
            # SARIF knows no notebook cells: the region is in the cell, the cell is a property
            # of the location (and of each related location).
            result["locations"][0]["properties"] = {"cell": diag.cell}
        if diag.code in index:
            result["ruleIndex"] = index[diag.code]
        if diag.related:
            result["relatedLocations"] = [
                {"id": number, "message": {"text": rel.message},
                 "physicalLocation": {"artifactLocation": artifact_location(rel.path, root),
                                      "region": _region(rel.start, rel.end)},
                 **({"properties": {"cell": rel.cell}} if rel.cell is not None else {})}
                for number, rel in enumerate(diag.related, start=1)]
        if diag.verdict is not None:
            result["properties"] = {"verdict": diag.verdict, "tensorflowMessage": diag.tf_message,
                                    "confirmedBy": diag.confirmed_by}
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "shapelint", "version": __version__,
                                "semanticVersion": __version__, "informationUri": REPOSITORY,
                                "rules": [sarif_rule(rule) for rule in rules]}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render_sarif(diagnostics: Sequence[Diagnostic], root: Optional[Path] = None) -> str:
    return json.dumps(sarif_log(diagnostics, root), indent=2) + "\n"


def render(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics)
    line = {"text": format_text, "concise": format_concise, "github": format_github}[fmt]
    return render_lines(diagnostics, line)


# -- statistics -------------------------------------------------------------------------------

def statistics(diagnostics: Sequence[Diagnostic]) -> List[str]:
    """flake8's ``--statistics``: a count per code, by code, with the rule's name."""
    counts = Counter(d.code for d in diagnostics)
    lines = []
    for code in sorted(counts):
        rule = rule_for(code)
        lines.append(f"{counts[code]:<5} {code} {rule.name if rule else ''}".rstrip())
    return lines
