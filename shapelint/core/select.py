"""Parse only what can matter: the top-level statements LibCST needs to see.

CPython's own parser (``ast``, about ten times faster than LibCST) reads the file first and
decides which top-level statements can affect a model, a training call or a tensor; the
others are replaced by empty lines, so every kept statement keeps its line and column, and
LibCST parses (and the interpreter runs) only the rest.  ``# noqa``, file-level noqa and
``# expect`` markers are read from the original text by the callers, never from this one.

**Selection.**  Seeds are the statements that import a framework, use a name bound by such an
import, use a snippet-mode name (one of the plug-ins' ``snippet_names`` the file binds nowhere:
``interp.Interpreter.assume_unbound`` takes it as the framework's), or could change what the
interpreter does for the whole module (an attribute of something that may be a module
assigned, ``setattr`` / ``delattr``, a ``raise`` / ``return`` at module level).  From the
seeds the selection closes over the names both ways until nothing changes:

* backward: a statement that binds a name a needed statement uses (constants, data, defs,
  classes, imports); a def or class binds its name and the names its body declares
  ``global`` / ``nonlocal``;
* forward: a statement that uses a name a needed statement binds (``model.fit(X, y)`` uses
  ``model``; ``layers.append(...)`` and ``cfg["k"] = v`` use ``layers`` / ``cfg``), except a
  name bound only by imports (a module object: what can change it is a seed already).

Names are the interpreter's: a name a function's parameter shadows is not the module's, but
every other name in a function body is (the interpreter looks a local up in the module until
the function assigns it).  Statements sharing a line are kept or dropped together.

No selection at all (``None``: the whole text goes to LibCST) when ``ast`` cannot parse the
text (the tolerant path takes it) or for a lone carriage return.  Every statement is kept
(the text itself, with its statements' ends for ``core.parse_cache``) for a star import of a
module the plug-ins do not know, ``exec`` / ``eval`` / ``globals()`` / ``locals()`` /
``__import__``, words the plug-ins read from the whole text, or when every statement is
needed anyway.  ``SHAPELINT_NO_SELECT=1`` turns selection off (tests compare
the two).

Known difference: the interpreter's step budget (``interp.interpreter.STEP_BUDGET``) counts
the statements it runs; a file so large that the whole text exhausts it before the end can
have findings with selection that the whole text's run gave up before reaching.
"""
from __future__ import annotations

import ast
import gc
import os
import re
from collections import OrderedDict
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

# Module roots whose qualified names a plug-in answers (``frameworks/names.meaning``,
# ``data/plugin.py``): an import of one of these is a seed.  tests/test_select.py checks the
# catalogs' names against this list.
FRAMEWORK_ROOTS = frozenset({"keras", "tensorflow", "tf_keras", "torch", "numpy", "pandas"})
# (``collections.OrderedDict``, which the torch plug-in models, makes no finding on its own:
# the statements using it are reached through the names they bind like any other.)
# Builtins that bind or run code the selection cannot see.
DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "__import__"})
# The data plug-in reads the whole module's text for these (``_channels_first_possible``).
WHOLE_TEXT_WORDS = ("channels_first", "set_image_data_format", "image_dim_ordering")

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


class _NoSelection(Exception):
    """Something the selection does not model: the whole text is kept."""


def _snippet_names() -> FrozenSet[str]:
    from shapelint.interp.plugins import HandlerTable, default_plugins
    return frozenset(HandlerTable(default_plugins()).snippet_names)


_SNIPPET: Optional[FrozenSet[str]] = None


def snippet_names() -> FrozenSet[str]:
    global _SNIPPET
    if _SNIPPET is None:
        _SNIPPET = _snippet_names()
    return _SNIPPET


def _framework_import(node) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in FRAMEWORK_ROOTS for alias in node.names)
    return not node.level and bool(node.module) and node.module.split(".")[0] in FRAMEWORK_ROOTS


def _root_name(expr) -> Optional[ast.Name]:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, ast.Name) else None


def _arg_names(args: ast.arguments) -> List[str]:
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg is not None:
        names.append(args.vararg.arg)
    if args.kwarg is not None:
        names.append(args.kwarg.arg)
    return names


class Facts:
    """What one top-level statement (or a group sharing lines) uses and binds."""

    __slots__ = ("uses", "binds", "import_binds", "anywhere", "seed", "first", "last")

    def __init__(self, first: int, last: int):
        self.uses: Set[str] = set()
        self.binds: Set[str] = set()  # module-level names it binds
        self.import_binds: Set[str] = set()  # ... of them, by an import
        self.anywhere: Set[str] = set()  # every name it binds in any scope (syntax.bound_names)
        self.seed = False
        self.first = first
        self.last = last

    def merge(self, other: "Facts") -> None:
        self.uses |= other.uses
        self.binds |= other.binds
        self.import_binds |= other.import_binds
        self.anywhere |= other.anywhere
        self.seed = self.seed or other.seed
        self.last = max(self.last, other.last)


def statement_facts(stmt: ast.stmt) -> Facts:
    """Uses, binds and seed flag of one top-level statement (raises ``_NoSelection``)."""
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
    facts = Facts(first, stmt.end_lineno or stmt.lineno)
    uses, binds, anywhere = facts.uses, facts.binds, facts.anywhere
    empty: FrozenSet[str] = frozenset()
    # (node, names shadowed by parameters here, binds at module level)
    stack: List[Tuple[Any, FrozenSet[str], bool]] = [(stmt, empty, True)]
    push = stack.append
    while stack:
        node, hidden, module = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            ctx = type(node.ctx)
            if ctx is ast.Load:
                if node.id not in hidden:
                    uses.add(node.id)
                    if node.id in DYNAMIC:
                        raise _NoSelection(node.id)
            elif ctx is ast.Store:
                anywhere.add(node.id)
                if module:
                    binds.add(node.id)
            else:  # del x: unbinds (the interpreter binds it unknown)
                if node.id not in hidden:
                    uses.add(node.id)
                if module:
                    binds.add(node.id)
            continue
        if kind is ast.Attribute:
            if type(node.ctx) is not ast.Load:
                # `mod.LSTM = MyLSTM` patches a module's attribute for the whole file
                # (``Interpreter.patch``): unless the object is a parameter (self.x = ...).
                root = _root_name(node.value)
                if root is None or root.id not in hidden:
                    facts.seed = True
            push((node.value, hidden, module))
            continue
        if kind is ast.Call:
            func = node.func
            if type(func) is ast.Name and func.id in ("setattr", "delattr") and func.id not in hidden:
                target = _root_name(node.args[0]) if node.args else None
                if target is None or target.id not in hidden:
                    facts.seed = True
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
            params = _arg_names(node.args)
            anywhere.update(params)
            args = node.args
            for default in args.defaults:
                push((default, hidden, module))
            for default in args.kw_defaults:
                if default is not None:
                    push((default, hidden, module))
            inner = hidden | frozenset(params) if params else hidden
            if kind is ast.Lambda:
                push((node.body, inner, False))
                continue
            anywhere.add(node.name)
            if module:
                binds.add(node.name)
            for deco in node.decorator_list:
                push((deco, hidden, module))
            for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if arg is not None and arg.annotation is not None:
                    push((arg.annotation, hidden, module))
            if node.returns is not None:
                push((node.returns, hidden, module))
            for item in node.body:
                push((item, inner, False))
            continue
        elif kind is ast.ClassDef:
            anywhere.add(node.name)
            if module:
                binds.add(node.name)
            for item in node.bases + node.decorator_list:
                push((item, hidden, module))
            for keyword in node.keywords:
                push((keyword.value, hidden, module))
            for item in node.body:
                push((item, hidden, False))
            continue
        elif kind is ast.Global or kind is ast.Nonlocal:
            # Rebinds the module's name for the interpreter (``syntax.globals_declared``).
            anywhere.update(node.names)
            binds.update(node.names)
            continue
        elif kind is ast.Import or kind is ast.ImportFrom:
            if _framework_import(node):
                facts.seed = True
            for alias in node.names:
                if alias.name == "*":
                    if not _framework_import(node):
                        raise _NoSelection("import *")
                    continue
                name = alias.asname or (alias.name.split(".")[0] if kind is ast.Import else alias.name)
                anywhere.add(name)
                if module:
                    binds.add(name)
                    facts.import_binds.add(name)
            continue
        elif kind is ast.ExceptHandler:
            if node.name:
                anywhere.add(node.name)
                if module:
                    binds.add(node.name)
        elif kind is ast.comprehension or kind is ast.NamedExpr or kind is ast.AugAssign:
            # Their targets are also read: the interpreter evaluates a walrus's or a set
            # comprehension's target as an expression, and `x += 1` reads x.
            for sub in ast.walk(node.target):
                if type(sub) is ast.Name and sub.id not in hidden:
                    uses.add(sub.id)
            if kind is ast.comprehension:  # its target binds in the comprehension only
                push((node.target, hidden, False))
                push((node.iter, hidden, module))
                for cond in node.ifs:
                    push((cond, hidden, module))
                continue
        elif kind is ast.MatchAs or kind is ast.MatchStar:
            if node.name:
                anywhere.add(node.name)
                if module:
                    binds.add(node.name)
        elif kind is ast.MatchMapping:
            if node.rest and module:
                binds.add(node.rest)
        elif kind is ast.Raise or kind is ast.Return:
            if module:
                facts.seed = True  # stops the module's run where it is certain
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _SKIPPED_FIELDS)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, hidden, module))
            elif isinstance(value, ast.AST):
                push((value, hidden, module))
    return facts


# Fields that never hold a name (contexts, operators): not walked.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind"})
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _units(tree: ast.Module, offset: int = 0, units: Optional[List[Facts]] = None,
           lines: Optional[List[str]] = None, walk: bool = True) -> List[Facts]:
    """Facts of the top-level statements, statements that share a line merged into one;
    ``offset``: the lines before the text ``tree`` was parsed from, ``lines``: the whole
    text's lines (for the facts cache), ``walk=False``: where each statement is, nothing
    else (every statement is kept anyway)."""
    units = [] if units is None else units
    cache = _FACTS_CACHE if lines is not None else None
    for stmt in tree.body:
        if not walk:
            first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
            facts = Facts(first, stmt.end_lineno or stmt.lineno)
        elif cache is not None and lines is not None:
            facts = _cached_facts(stmt, lines, offset, cache)
        else:
            facts = statement_facts(stmt)
        facts.first += offset
        facts.last += offset
        if units and facts.first <= units[-1].last:
            units[-1].merge(facts)
        else:
            units.append(facts)
    return units


# The language server's facts by statement text (``use_facts_cache``); None: not kept.
_FACTS_CACHE: "Optional[OrderedDict[Tuple[str, int, int], Facts]]" = None
FACTS_CACHE_SIZE = 20_000


def use_facts_cache(enabled: bool = True) -> None:
    """Keep each statement's facts by its text from now on (a process that reads the same
    texts with small edits again and again: the language server)."""
    global _FACTS_CACHE
    if enabled and _FACTS_CACHE is None:
        _FACTS_CACHE = OrderedDict()
    elif not enabled:
        _FACTS_CACHE = None


def _cached_facts(stmt, lines: List[str], offset: int, cache) -> Facts:
    """``statement_facts`` of ``stmt``, from the cache when a statement of the same text (and
    columns: statements may share a line) was read before.  A copy: units are merged in place."""
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
    last = stmt.end_lineno or stmt.lineno
    key = ("\n".join(lines[offset + first - 1:offset + last]), stmt.col_offset, stmt.end_col_offset or 0)
    known = cache.get(key)
    if known is None:
        known = statement_facts(stmt)  # (raises _NoSelection: never cached)
        cache[key] = known
        if len(cache) > FACTS_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    facts = Facts(first, last)  # (``known`` may be the same text elsewhere in the file)
    facts.uses, facts.binds = set(known.uses), set(known.binds)
    facts.import_binds, facts.anywhere = set(known.import_binds), set(known.anywhere)
    facts.seed = known.seed
    return facts


# Lines read by one ``ast.parse`` at most (unless a statement is longer): the tree of a whole
# 2 MB file alone would take over 300 MB, a chunk's a few.
CHUNK_LINES = 2_000
# A line that starts in column 0 but continues the statement before it.
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")


def chunked_units(source: str, chunk: int = CHUNK_LINES, walk: bool = True) -> List[Facts]:
    """``_units`` of the whole text, read with ``ast`` a chunk of lines at a time so that only
    one chunk's tree is alive at once.  A chunk ends before a line that starts a new top-level
    statement: one that begins in column 0 (not a comment, not ``else`` / ``elif`` /
    ``except`` / ``finally``) after a text that parses on its own.  A text that parses ends
    outside every string, bracket and backslash continuation, exactly where the whole file's
    tokenizer is at that line, so the next line starts a top-level statement.  A chunk that
    does not parse grows (doubling) to the next such line, and the last raises the whole
    text's ``SyntaxError``."""
    lines = source.split("\n")
    if len(lines) <= chunk:
        return _units(ast.parse(source), 0, None, lines, walk)
    starts = [index for index, line in enumerate(lines)
              if index and line[:1] not in ("", " ", "\t", "\f", "#", "\r") and not _CONTINUES.match(line)]
    units: List[Facts] = []
    begin, at, size = 0, 0, chunk
    while begin < len(lines):
        while at < len(starts) and starts[at] < begin + size:
            at += 1
        end = starts[at] if at < len(starts) else len(lines)
        text = "\n".join(lines[begin:end])
        try:
            tree = ast.parse(text)
        except SyntaxError:
            if end == len(lines):
                raise
            size *= 2
            continue
        _units(tree, begin, units, lines, walk)
        del tree
        begin, size = end, chunk
    return units


def statement_ends(source: str) -> Optional[List[int]]:
    """The last line of each top-level statement group (statements sharing a line go
    together), read with ``ast`` a chunk at a time; None when ``ast`` cannot read the text."""
    try:
        units = chunked_units(source, walk=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return [unit.last for unit in units] or None


def needed_units(units: List[Facts]) -> List[bool]:
    """Which units the selection keeps: the seeds and their closure over names."""
    snippet = snippet_names()
    bound_anywhere: Set[str] = set()
    for unit in units:
        bound_anywhere |= unit.anywhere
    active = snippet - bound_anywhere  # names snippet mode takes as the framework's
    binders: Dict[str, List[int]] = {}
    users: Dict[str, List[int]] = {}
    framework_names: Set[str] = set()
    for index, unit in enumerate(units):
        for name in unit.binds | (unit.anywhere & snippet):
            binders.setdefault(name, []).append(index)
        for name in unit.uses:
            users.setdefault(name, []).append(index)
        if unit.seed:
            framework_names |= unit.import_binds
    import_only = {name for name, where in binders.items()
                   if all(name in units[i].import_binds for i in where)}
    needed = [False] * len(units)
    work = []
    for index, unit in enumerate(units):
        if unit.seed or unit.uses & active or unit.uses & framework_names:
            needed[index] = True
            work.append(index)
    used_done: Set[str] = set()  # names whose binders are queued already
    bound_done: Set[str] = set(import_only)  # names whose users are queued already
    while work:
        unit = units[work.pop()]
        more: List[int] = []
        for name in unit.uses - used_done:
            used_done.add(name)
            more.extend(binders.get(name, ()))
        for name in unit.binds - bound_done:
            bound_done.add(name)
            more.extend(users.get(name, ()))
        for other in more:
            if not needed[other]:
                needed[other] = True
                work.append(other)
    return needed


def enabled() -> bool:
    return os.environ.get("SHAPELINT_NO_SELECT", "") in ("", "0")


def select_pieces(source: str) -> Optional[Tuple[str, List[int]]]:
    """The text to parse (``source`` itself when every statement is needed) and the last line
    of each kept statement group, where ``core.parse_cache`` cuts it into pieces without
    reading it with ``ast`` again; None when ``ast`` cannot read it (or a lone carriage
    return).  With the selection off (``SHAPELINT_NO_SELECT=1``) every statement is kept."""
    if not enabled():
        ends = statement_ends(source)
        return (source, ends) if ends is not None else None
    result = _selection(source)
    return (result[0], result[3]) if result is not None else None


def select_source(source: str) -> Optional[str]:
    """The text LibCST should parse: ``source`` with the statements that cannot matter
    replaced by empty lines, or None when the whole text is needed (or not selectable)."""
    chosen = select_pieces(source)
    return chosen[0] if chosen is not None and chosen[0] is not source else None


def selection(source: str):
    """``(text, kept statements, all statements)``, or None (the whole text is used)."""
    result = _selection(source)
    return result[:3] if result is not None and result[0] is not source else None


def _selection(source: str):
    """``selection`` and the last line of each kept statement group."""
    whole = any(word in source for word in WHOLE_TEXT_WORDS)  # every statement is kept
    if "\r" in source and "\r" in source.replace("\r\n", ""):
        return None  # a lone carriage return: line numbering is not worth the doubt
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of new nodes, no cycles: the collector only costs here
    try:
        try:
            units = chunked_units(source, walk=not whole)
        except _NoSelection:  # nothing is dropped, but the statements' ends still serve the parse
            units, whole = chunked_units(source, walk=False), True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    finally:
        if collecting:
            gc.enable()
    if not units:
        return None
    needed = [True] * len(units) if whole else needed_units(units)
    kept = sum(needed)
    if kept == len(units):  # every statement is needed: the text itself
        return source, kept, len(units), [unit.last for unit in units]
    lines = _LINE_BREAK.split(source)
    breaks = _LINE_BREAK.findall(source)
    drop = bytearray(len(lines) + 2)  # 1-based line -> 1 when blanked
    for unit, keep in zip(units, needed):
        if not keep:
            drop[unit.first:unit.last + 1] = b"\1" * (unit.last - unit.first + 1)
    covered = bytearray(len(lines) + 2)
    for unit in units:
        covered[unit.first:unit.last + 1] = b"\1" * (unit.last - unit.first + 1)
    out = []
    for number, line in enumerate(lines, start=1):
        if drop[number]:
            line = ""
        elif not covered[number] and number > 2 and line.lstrip().startswith("#"):
            line = ""  # a comment between statements (lines 1-2 may hold a coding cookie)
        out.append(line)
        if number <= len(breaks):
            out.append(breaks[number - 1])
    ends = [unit.last for unit, keep in zip(units, needed) if keep]
    return "".join(out), kept, len(units), ends
