"""The rule registry: every module of ``shapelint.rules`` that defines ``RULE``."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, List, Optional

from shapelint.core.rule import Rule

# Where a rule's documentation lives: its own module, which holds what it does, why, and the
# examples.  Every front end (language server, SARIF) links through ``docs_url``.
REPOSITORY = "https://github.com/shapelint/shapelint"


@lru_cache(maxsize=1)
def all_rules() -> List[Rule]:
    from shapelint import rules as package
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return sorted(found, key=lambda r: r.code)


@lru_cache(maxsize=1)
def _by_code() -> Dict[str, Rule]:
    return {rule.code: rule for rule in all_rules()}


def rule_for(code: str) -> Optional[Rule]:
    return _by_code().get(code.upper())


def rule_by_name_or_code(key: str) -> Optional[Rule]:
    rule = rule_for(key)
    if rule is None:
        for candidate in all_rules():
            if candidate.name == key:
                return candidate
    return rule


def known_codes() -> List[str]:
    return [rule.code for rule in all_rules()]


def docs_url(code: str) -> str:
    """The rule's documentation: ``rules/sl101_rank_mismatch.py`` for SL101 (rank-mismatch)."""
    rule = rule_for(code)
    if rule is None:
        return f"{REPOSITORY}/blob/main/README.md#rules"
    return f"{REPOSITORY}/blob/main/rules/{rule.code.lower()}_{rule.name.replace('-', '_')}.py"
