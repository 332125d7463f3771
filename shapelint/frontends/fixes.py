"""Mechanical fixes for findings: text edits computed from the source and a diagnostic.

The rules attach each finding's fix when they report (``core.fix``: a title, a safety level and
a typed edit located in the source); this module applies it, for the language server's quick
fixes and the command line's ``--fix`` alike (``fix_source``: every fix of a file at once).
A fix is offered only when it is certain: the code is rewritten with LibCST (so it stays valid
Python), and the rewritten text is linted again; the fix is kept only if the finding's code is
reported fewer times and no other finding appears.
Every diagnostic can also be silenced with ``# noqa: CODE`` on its line.

Positions are the engine's: 1-based lines and 1-based character columns.
"""
from __future__ import annotations

import difflib
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, replace
from io import StringIO
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.core.fix import SAFE, UNSAFE, DeclareBatchInput, FixPlan, RenameKeyword, ReplaceImportModule, SetArgument
from shapelint.core.noqa import NOQA_COMMENT
from shapelint.engine import lint_source, parse_module

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
TOOL_CODES = ("SL001", "SL002", "SL003")  # the tool's own diagnostics: no # noqa offered
# Modules whose ``Input`` is keras.Input (what a ``from M import LSTM`` line can also import).
_INPUT_MODULES = ("keras", "keras.layers", "tensorflow.keras", "tensorflow.keras.layers")


@dataclass(frozen=True)
class TextEdit:
    start: Position
    end: Position
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    code: str
    edits: Tuple[TextEdit, ...]
    preferred: bool = False  # the fix of the finding itself (not a noqa)
    safety: str = UNSAFE  # SAFE fixes keep what the code means (core.fix)


# --- text positions ---------------------------------------------------------------------

def _line_starts(source: str) -> List[int]:
    return [0] + [m.end() for m in _LINE_BREAK.finditer(source)]


def _offset(starts: List[int], source: str, position: Position) -> int:
    if position.line > len(starts):
        return len(source)
    return min(starts[position.line - 1] + position.column - 1, len(source))


def _position(starts: List[int], offset: int) -> Position:
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return Position(line + 1, offset - starts[line] + 1)


def apply_edits(source: str, edits: Sequence[TextEdit]) -> str:
    """The source with the (non-overlapping) edits applied."""
    starts = _line_starts(source)
    spans = sorted(((_offset(starts, source, e.start), _offset(starts, source, e.end), e.new_text)
                    for e in edits), reverse=True)
    for begin, end, text in spans:
        source = source[:begin] + text + source[end:]
    return source


def _trimmed(old: str, new: str) -> Tuple[int, int, str]:
    """(start, end, text): the span of ``old`` that differs from ``new``, and its replacement."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    # Whole words read better in an editor's preview ("softmax" -> "sigmoid", not "oftmax").
    while 0 < prefix and old[prefix - 1].isalnum() and prefix < len(old) and old[prefix].isalnum():
        prefix -= 1
    while suffix > 0 and old[len(old) - suffix].isalnum() and old[len(old) - suffix - 1].isalnum():
        suffix -= 1
    return prefix, len(old) - suffix, new[prefix:len(new) - suffix]


def edits_between(old: str, new: str) -> Tuple[TextEdit, ...]:
    """Edits that turn ``old`` into ``new``: one per changed group of lines, each trimmed to
    the characters that differ."""
    old_lines = _LINE_BREAK.split(old)
    new_lines = _LINE_BREAK.split(new)
    old_ends = [m.end() for m in _LINE_BREAK.finditer(old)] + [len(old)]
    new_ends = [m.end() for m in _LINE_BREAK.finditer(new)] + [len(new)]
    starts = _line_starts(old)
    new_starts = _line_starts(new)
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # Whole lines with their line breaks (an insertion sits at the start of line i1).
        a0 = starts[i1] if i1 < len(starts) else len(old)
        a1 = old_ends[i2 - 1] if i2 > i1 else a0
        b0 = new_starts[j1] if j1 < len(new_starts) else len(new)
        b1 = new_ends[j2 - 1] if j2 > j1 else b0
        begin, end, text = _trimmed(old[a0:a1], new[b0:b1])
        edits.append(TextEdit(_position(starts, a0 + begin), _position(starts, a0 + end), text))
    return tuple(edits)


# --- the tree ---------------------------------------------------------------------------

class _Tree:
    """The parsed source with positions and parents, to find a diagnostic's node."""

    def __init__(self, source: str):
        self.source = source
        self.wrapper = MetadataWrapper(parse_module(source))
        self.module = self.wrapper.module
        self.positions = self.wrapper.resolve(PositionProvider)
        self.parents = self.wrapper.resolve(ParentNodeProvider)

    def span(self, node) -> Tuple[Position, Position]:
        r = self.positions[node]
        return Position(r.start.line, r.start.column + 1), Position(r.end.line, r.end.column + 1)

    def node_at(self, start: Position, end: Position, kind):
        for node, _ in self.positions.items():
            if isinstance(node, kind) and self.span(node) == (start, end):
                return node
        return None

    def code(self, node) -> str:
        return self.module.code_for_node(node)

    def replaced(self, old, new) -> str:
        return self.module.deep_replace(old, new).code


def _keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _starred(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def _with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value``: the existing argument's value replaced, or one added."""
    existing = _keyword(call, name)
    if existing is not None:
        return call.deep_replace(existing, existing.with_changes(value=value))
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""))
    added = cst.Arg(value=value, keyword=cst.Name(name), equal=equal)
    if not call.args:
        return call.with_changes(args=[added])
    *rest, last = call.args
    # The new argument takes over the last one's comma (a trailing comma stays trailing).
    added = added.with_changes(comma=last.comma)
    return call.with_changes(args=[*rest, last.with_changes(comma=cst.MaybeSentinel.DEFAULT), added])


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = list(call.args)
    index = args.index(arg)
    del args[index]
    if index == len(args) and args:  # it was the last: the new last one takes its comma
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def _string_like(old: cst.BaseExpression, text: str) -> cst.BaseExpression:
    """A string literal in the quotes the user wrote ``old`` in."""
    quote = "'" if isinstance(old, cst.SimpleString) and old.value.startswith("'") else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


# --- the edits rules ask for (core.fix) ---------------------------------------------------

def _literal(value, old: Optional[cst.BaseExpression]) -> cst.BaseExpression:
    if isinstance(value, bool) or value is None:
        return cst.Name(repr(value))
    if isinstance(value, str):
        return _string_like(old, value)
    return cst.parse_expression(repr(value))


def _set_argument(tree: _Tree, edit: SetArgument) -> Optional[str]:
    call = tree.node_at(edit.call.start, edit.call.end, cst.Call)
    if call is None or _starred(call):
        return None
    existing = _keyword(call, edit.keyword)
    if existing is not None:
        return tree.replaced(existing, existing.with_changes(value=_literal(edit.value, existing.value)))
    positional = [arg for arg in call.args if arg.keyword is None]
    if edit.position is not None and edit.position < len(positional):
        arg = positional[edit.position]
        return tree.replaced(arg, arg.with_changes(value=_literal(edit.value, arg.value)))
    return tree.replaced(call, _with_keyword(call, edit.keyword, _literal(edit.value, None)))


def _rename_keyword(tree: _Tree, edit: RenameKeyword) -> Optional[str]:
    call = tree.node_at(edit.call.start, edit.call.end, cst.Call)
    if call is None or _starred(call) or _keyword(call, edit.new) is not None:
        return None
    arg = _keyword(call, edit.old)
    if arg is None:
        return None
    return tree.replaced(arg, arg.with_changes(keyword=cst.Name(edit.new)))


def _replace_import_module(tree: _Tree, edit: ReplaceImportModule) -> Optional[str]:
    module = tree.node_at(edit.module.start, edit.module.end, (cst.Attribute, cst.Name))
    holder = tree.parents.get(module) if module is not None else None
    if not isinstance(holder, cst.ImportFrom) or holder.module is not module:
        return None
    return tree.replaced(module, cst.parse_expression(edit.new))


def _input_name(tree: _Tree, layer_call: cst.Call) -> Optional[Tuple[str, Optional[cst.ImportFrom]]]:
    """How to spell keras.Input here, and the import to extend with ``Input`` (if any)."""
    func = layer_call.func
    if isinstance(func, cst.Attribute):  # keras.layers.LSTM, layers.LSTM, tf.keras.layers.LSTM
        module = tree.code(func.value)
        # Not a legacy path (keras.layers.recurrent has no Input) nor an alias we cannot read.
        return (module + ".Input", None) if module.rsplit(".", 1)[-1] in ("layers", "keras") else None
    if not isinstance(func, cst.Name):
        return None
    source_of: Dict[str, Tuple[str, cst.ImportFrom]] = {}
    for statement in tree.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not small.relative and not isinstance(small.names, cst.ImportStar):
                module = tree.code(small.module) if small.module is not None else ""
                for alias in small.names:
                    bound = alias.asname.name.value if alias.asname else tree.code(alias.name)
                    source_of[bound] = (f"{module}.{tree.code(alias.name)}", small)
    imported = source_of.get(func.value)
    if imported is None:
        return None
    given = source_of.get("Input")
    if given is not None:
        module = given[0].rsplit(".", 1)[0]
        return ("Input", None) if given[0].endswith(".Input") and module in _INPUT_MODULES else None
    if re.search(r"\bInput\b", tree.source):
        return None  # the name means something else here
    module = imported[0].rsplit(".", 1)[0]
    if module not in _INPUT_MODULES:
        return None
    return "Input", imported[1]


class _Rewrite(cst.CSTTransformer):
    """Replace nodes, insert a statement or list element before another, extend an import."""

    def __init__(self, replacements, before, extend_import):
        self.replacements = replacements  # original node -> new node
        self.before = before  # original statement or element -> what goes before it
        self.extend_import = extend_import

    def on_leave(self, original, updated):
        if original in self.replacements:
            updated = self.replacements[original]
        if isinstance(original, cst.SimpleStatementLine) and original in self.before:
            return cst.FlattenSentinel([self.before[original], updated])
        if isinstance(original, (cst.List, cst.Tuple)) and original.elements and original.elements[0] in self.before:
            # The new first element is followed by what follows the opening bracket (a new line
            # and the indentation, or a space), never by the old first element's comment.
            opening = updated.lbracket.whitespace_after if isinstance(updated, cst.List) else updated.lpar[0].whitespace_after \
                if updated.lpar else cst.SimpleWhitespace("")
            if isinstance(opening, cst.ParenthesizedWhitespace):
                after = opening.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
            else:
                after = cst.SimpleWhitespace(" ")
            added = self.before[original.elements[0]].with_changes(comma=cst.Comma(whitespace_after=after))
            return updated.with_changes(elements=[added, *updated.elements])
        if original is self.extend_import:
            *rest, last = updated.names
            alias = cst.ImportAlias(cst.Name("Input"), comma=last.comma)
            return updated.with_changes(names=[*rest, last.with_changes(comma=cst.MaybeSentinel.DEFAULT), alias])
        return updated


def _declare_batch_input(tree: _Tree, edit: DeclareBatchInput) -> Optional[Tuple[str, str]]:
    """batch_input_shape=... on a Sequential model's first layer: declare
    Input(batch_shape=...) as the model's first element instead."""
    call = tree.node_at(edit.layer.start, edit.layer.end, cst.Call)
    arg = _keyword(call, "batch_input_shape") if call is not None else None
    if arg is None or _starred(call):
        return None
    spelling = _input_name(tree, call)
    if spelling is None:
        return None
    input_name, extend_import = spelling
    declared = f"{input_name}(batch_shape={tree.code(arg.value)})"
    place = tree.parents.get(call)  # an Arg of model.add(...), or an Element of a list
    holder = tree.parents.get(place)
    if isinstance(holder, cst.Call) and isinstance(holder.func, cst.Attribute) and holder.func.attr.value == "add":
        statement = tree.parents.get(tree.parents.get(holder))
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        before = {statement: cst.parse_statement(f"{tree.code(holder.func.value)}.add({declared})\n")}
    elif isinstance(holder, (cst.List, cst.Tuple)) and holder.elements and holder.elements[0] is place:
        before = {place: cst.Element(cst.parse_expression(declared))}
    else:
        return None
    rewrite = _Rewrite({call: _without(call, arg)}, before, extend_import)
    return f"Declare {declared} as the model's first element", tree.module.visit(rewrite).code


def _apply(tree: _Tree, plan: FixPlan) -> Optional[Tuple[str, str]]:
    """(title, new source) for a rule's fix, or None where it does not apply here."""
    edit = plan.edit
    if isinstance(edit, DeclareBatchInput):
        return _declare_batch_input(tree, edit)
    if isinstance(edit, SetArgument):
        new_source = _set_argument(tree, edit)
    elif isinstance(edit, RenameKeyword):
        new_source = _rename_keyword(tree, edit)
    elif isinstance(edit, ReplaceImportModule):
        new_source = _replace_import_module(tree, edit)
    else:
        return None
    return None if new_source is None else (plan.title, new_source)


def _removes(source: str, new_source: str, diag: Diagnostic, config: Config,
             edits: Sequence[TextEdit] = ()) -> bool:
    """The rewrite removes the finding and brings nothing new (``_verified``)."""
    config = replace(config, confirm=False)
    before = lint_source(source, diag.path, config)
    after = lint_source(new_source, diag.path, config)
    return _verified(source, new_source, edits or edits_between(source, new_source), [diag], before, after)


def _moved(starts: List[int], source: str, spans: Sequence[Tuple[int, int, str]], position: Position) -> int:
    """Where a position of the old text is in the new one (edits before it shift it; inside
    an edit it lands at the edit's start)."""
    offset = _offset(starts, source, position)
    shift = 0
    for begin, end, text in spans:
        if end <= offset:
            shift += len(text) - (end - begin)
        elif begin <= offset < end:
            return begin + shift
    return offset + shift


def _verified(source: str, new_source: str, edits: Sequence[TextEdit], fixed: Sequence[Diagnostic],
              before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> bool:
    """The fixes of ``fixed`` did what they promise: each of those findings is gone from its
    place in the new text, and nothing is new (each code is reported at most as often as
    before, less the findings fixed)."""
    starts, new_starts = _line_starts(source), _line_starts(new_source)
    spans = sorted((_offset(starts, source, e.start), _offset(starts, source, e.end), e.new_text) for e in edits)
    now = {(d.code, _offset(new_starts, new_source, d.start)) for d in after}
    if any((d.code, _moved(starts, source, spans, d.start)) in now for d in fixed):
        return False
    allowed = Counter(d.code for d in before)
    allowed.subtract(d.code for d in fixed)
    return all(count <= allowed[code] for code, count in Counter(d.code for d in after).items())


def _better(before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> bool:
    """No code reported more often, and fewer findings in all."""
    was, now = Counter(d.code for d in before), Counter(d.code for d in after)
    return all(now[code] <= was[code] for code in now) and sum(now.values()) < sum(was.values())


# --- # noqa -------------------------------------------------------------------------------

def _comment_lines(source: str) -> Optional[Set[int]]:
    """Lines whose end is outside any string and not continued by a backslash: where a
    comment can be appended.  None if the source does not tokenize."""
    inside: Set[int] = set()
    fstring_starts: List[int] = []  # Python 3.12+ tokenizes f-strings in pieces
    try:
        for token in tokenize.generate_tokens(StringIO(source).readline):
            kind = tokenize.tok_name.get(token.type)
            if kind == "FSTRING_START":
                fstring_starts.append(token.start[0])
            elif kind == "FSTRING_END" and fstring_starts:
                inside.update(range(fstring_starts.pop(), token.end[0]))
            elif token.type == tokenize.STRING:
                inside.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = _LINE_BREAK.split(source)
    return {n for n, text in enumerate(lines, start=1) if n not in inside and not text.endswith("\\")}


def noqa_fix(source: str, diag: Diagnostic) -> Optional[Fix]:
    """``# noqa: CODE`` at the end of the diagnostic's line, or CODE added to its noqa list.
    Not for the tool's own codes (a file that does not parse, cannot be read or analysed):
    a comment cannot make those go away."""
    if diag.code in TOOL_CODES:
        return None
    lines = _LINE_BREAK.split(source)
    number = diag.start.line
    if not 1 <= number <= len(lines):
        return None
    text = lines[number - 1]
    match = NOQA_COMMENT.search(text) if "#" in text else None
    title = f"Silence {diag.code} on this line (# noqa: {diag.code})"
    if match is not None:
        if not match.group("codes"):
            return None  # a bare noqa already silences everything
        at = Position(number, match.end("codes") + 1)
        return Fix(title, diag.code, (TextEdit(at, at, f", {diag.code}"),), safety=SAFE)
    allowed = _comment_lines(source)
    if allowed is None or number not in allowed:
        return None
    stripped = text.rstrip()
    at, end = Position(number, len(stripped) + 1), Position(number, len(text) + 1)
    return Fix(title, diag.code, (TextEdit(at, end, f"  # noqa: {diag.code}"),), safety=SAFE)


def planned_fix(source: str, diag: Diagnostic, tree: Optional["_Tree"] = None) -> Optional[Fix]:
    """The rule's fix for ``diag`` as text edits, not yet checked against a lint of the result
    (``fixes_for`` and ``fix_source`` check it): None when the finding carries no fix or the fix
    does not apply to this text."""
    plan = diag.fix
    if not isinstance(plan, FixPlan):
        return None
    try:
        result = _apply(tree or _Tree(source), plan)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    if result is None or result[1] == source:
        return None
    title, new_source = result
    return Fix(title, diag.code, edits_between(source, new_source), preferred=True, safety=plan.safety)


def fixes_for(source: str, diag: Diagnostic, config: Optional[Config] = None) -> List[Fix]:
    """The fixes for one diagnostic of ``source``: the mechanical one when certain, then
    ``# noqa``."""
    config = config or Config()
    found: List[Fix] = []
    fix = planned_fix(source, diag)
    if fix is not None and _removes(source, apply_edits(source, fix.edits), diag, config, fix.edits):
        found.append(fix)
    noqa = noqa_fix(source, diag)
    if noqa is not None:
        found.append(noqa)
    return found


# --- every fix of a file at once (the command line's --fix) -------------------------------

MAX_ROUNDS = 5  # lint, fix, lint again: a fix may reveal another (ruff loops the same way)


@dataclass
class FileFix:
    """What ``fix_source`` did to one text."""

    text: str  # the fixed text (the original when nothing applied)
    applied: List[Fix]  # the fixes applied, in order
    remaining: List[Diagnostic]  # the findings of ``text`` (with the given configuration)
    hidden: int = 0  # unsafe fixes of the remaining findings, not applied without --unsafe-fixes
    refused: Optional[str] = None  # why the file's fixes were dropped (the result did not parse)


def _span(starts: List[int], source: str, edit: TextEdit) -> Tuple[int, int]:
    return _offset(starts, source, edit.start), _offset(starts, source, edit.end)


def _disjoint(source: str, fixes: Sequence[Tuple[Fix, Diagnostic]]) -> List[Tuple[Fix, Diagnostic]]:
    """The fixes in order of position, each kept only when none of its edits touches an edit
    already kept (the others wait for the next round, when the text is linted again)."""
    starts = _line_starts(source)
    taken: List[Tuple[int, int]] = []
    kept: List[Tuple[Fix, Diagnostic]] = []
    for fix, diag in sorted(fixes, key=lambda pair: min(_span(starts, source, e) for e in pair[0].edits)):
        spans = [_span(starts, source, e) for e in fix.edits]
        if any(a <= d and c <= b for a, b in spans for c, d in taken):
            continue
        taken.extend(spans)
        kept.append((fix, diag))
    return kept


def _unparsable(text: str, path: str) -> Optional[str]:
    """Why ``text`` is not Python (Python's own compiler and LibCST must both read it)."""
    try:
        compile(text, path, "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
        parse_module(text)
    except SyntaxError as exc:
        return f"{exc.msg} at line {exc.lineno}"
    except (cst.ParserSyntaxError, RecursionError, ValueError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def fix_source(source: str, path: str, config: Config, *, unsafe: bool = False,
               skip=lambda diag: False, rounds: int = MAX_ROUNDS) -> FileFix:
    """Every fix of ``source`` the rules attach (``SAFE`` ones, and ``UNSAFE`` ones too when
    ``unsafe``), applied together where they do not overlap, then the text linted again and
    fixed again, ``rounds`` times at most.

    The same edits the language server offers (``planned_fix``), and the same check
    (``_verified``): the fixed text must parse, each fixed finding must be gone and nothing
    new may appear.  When a round's fixes together fail that check, each is checked alone and
    only those that pass are kept.  One more case is accepted, as a whole: a fix that only
    reveals findings of the same kind that its own fixes then remove (three stacked LSTMs:
    once the first returns sequences, the third's input is known and wrong too), when the
    result has fewer findings and no code more often (``_chained``).  If a fixed text does not
    parse, no fix of the file is applied (``refused``).  ``skip(diag)``: findings not to fix
    (refuted by TensorFlow)."""
    static = replace(config, confirm=False)
    text = source
    diagnostics = lint_source(text, path, static)
    applied: List[Fix] = []

    def wanted(diag: Diagnostic) -> bool:
        plan = diag.fix
        return isinstance(plan, FixPlan) and (unsafe or plan.safety == SAFE) and not skip(diag)

    def refused(problem: str) -> FileFix:
        original = lint_source(source, path, config)
        return FileFix(source, [], original, _hidden(source, original, unsafe, skip),
                       refused=f"the fixed text would not parse ({problem}): no fix applied")

    for _ in range(rounds):
        planned = _planned(text, [d for d in diagnostics if wanted(d)])
        chosen = _disjoint(text, planned)
        if not chosen:
            break
        new_text = apply_edits(text, [e for f, _ in chosen for e in f.edits])
        problem = _unparsable(new_text, path)
        if problem is not None:
            return refused(problem)
        after = lint_source(new_text, path, static)
        steps: List[List[Fix]] = [[f] for f, _ in chosen]
        if not _verified(text, new_text, [e for f, _ in chosen for e in f.edits], [d for _, d in chosen],
                         diagnostics, after):
            # Together they do not clearly help: keep those that do, one at a time.
            checked = [_chained(text, f, d, diagnostics, path, static, wanted, rounds) for f, d in chosen]
            good = [c for c in checked if c is not None]
            kept = _disjoint(text, [(edit, d) for edit, d, _ in good])
            if not kept:
                break
            kept_ids = {id(edit) for edit, _ in kept}
            steps = [fixes for edit, _, fixes in good if id(edit) in kept_ids]
            new_text = apply_edits(text, [e for f, _ in kept for e in f.edits])
            problem = _unparsable(new_text, path)
            if problem is not None:
                return refused(problem)
            after = lint_source(new_text, path, static)
            if len(kept) > 1 and not _better(diagnostics, after):
                edit, _ = kept[0]  # each helps alone, not together: one now, the rest next round
                steps = steps[:1]
                new_text = apply_edits(text, edit.edits)
                after = lint_source(new_text, path, static)
        text, diagnostics = new_text, after
        applied.extend(f for fixes in steps for f in fixes)
    remaining = lint_source(text, path, config) if config.confirm else diagnostics
    return FileFix(text, applied, remaining, _hidden(text, diagnostics, unsafe, skip))


def _planned(text: str, diagnostics: Sequence[Diagnostic]) -> List[Tuple[Fix, Diagnostic]]:
    if not diagnostics:
        return []
    try:
        tree = _Tree(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return []
    return [(f, d) for f, d in ((planned_fix(text, d, tree), d) for d in diagnostics) if f is not None]


def _chained(source: str, fix: Fix, diag: Diagnostic, before: Sequence[Diagnostic], path: str,
             config: Config, wanted, depth: int) -> Optional[Tuple[Fix, Diagnostic, List[Fix]]]:
    """``fix`` alone, when it passes ``_verified``; else ``fix`` followed by the fixes of the
    findings of its own code it revealed, as one edit of ``source``, when the end result has
    fewer findings and no code more often.  None when neither holds."""
    text = apply_edits(source, fix.edits)
    if _unparsable(text, path) is not None:
        return None
    after = lint_source(text, path, config)
    if _verified(source, text, fix.edits, [diag], before, after):
        return fix, diag, [fix]
    fixes, previous, previous_text, edits = [fix], before, source, fix.edits
    for _ in range(depth):
        revealed = _revealed(previous_text, text, edits, previous, after)
        if any(d.code != fix.code for d in revealed):
            return None  # something of another kind appeared: not this fix's chain
        follow = _planned(text, [d for d in revealed if wanted(d)])
        if not follow:
            return None
        nxt, _ = follow[0]
        previous, previous_text, edits = after, text, nxt.edits
        text = apply_edits(text, nxt.edits)
        if _unparsable(text, path) is not None:
            return None
        after = lint_source(text, path, config)
        fixes.append(nxt)
        if _better(before, after):
            return replace(fix, edits=edits_between(source, text)), diag, fixes
    return None


def _revealed(source: str, new_source: str, edits: Sequence[TextEdit], before: Sequence[Diagnostic],
              after: Sequence[Diagnostic]) -> List[Diagnostic]:
    """The findings of ``new_source`` that are not where a finding of ``source`` was."""
    starts, new_starts = _line_starts(source), _line_starts(new_source)
    spans = sorted((_offset(starts, source, e.start), _offset(starts, source, e.end), e.new_text) for e in edits)
    was = {(d.code, _moved(starts, source, spans, d.start)) for d in before}
    return [d for d in after if (d.code, _offset(new_starts, new_source, d.start)) not in was]


def _hidden(source: str, diagnostics: Sequence[Diagnostic], unsafe: bool, skip) -> int:
    """How many unsafe fixes apply to these findings (0 when they are applied anyway)."""
    unsafe_ones = [d for d in diagnostics if not unsafe and isinstance(d.fix, FixPlan)
                   and d.fix.safety == UNSAFE and not skip(d)]
    if not unsafe_ones:
        return 0
    try:
        tree = _Tree(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return 0
    return sum(planned_fix(source, d, tree) is not None for d in unsafe_ones)
