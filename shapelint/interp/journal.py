"""The branch journal: running code whose execution is not certain.

Models and lists are mutable.  Every mutation is journaled first (``touch``), so a branch can
be undone and compared at a cost proportional to what it changed.  Values take part through
the ``AbstractValue`` state protocol: ``state()``, ``set_state()``, ``merge_states()`` and
``make_uncertain()``.
"""
from __future__ import annotations

from typing import Any, List, Tuple

from shapelint.interp.values import MISSING, UNKNOWN, same

NORMAL, RETURN, RAISE, BREAK = "normal", "return", "raise", "break"


def same_state(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(
            a[k] is b[k] or same(a[k], b[k]) for k in a)
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


class Journal:
    def __init__(self, interp):
        self.interp = interp
        self.entries: List[Tuple[Any, Any]] = []  # (mutable object, its state before a change)

    def touch(self, obj) -> None:
        self.entries.append((obj, obj.state()))

    def make_uncertain(self, obj) -> None:
        self.touch(obj)
        obj.make_uncertain()

    def _changes_since(self, mark: int):
        """Objects mutated since ``mark``, with their state at ``mark``."""
        first = {}
        for obj, state in self.entries[mark:]:
            first.setdefault(id(obj), (obj, state))
        return first

    def _undo(self, mark: int) -> None:
        for obj, state in reversed(self.entries[mark:]):
            obj.set_state(state)
        del self.entries[mark:]

    def _settle(self, obj, states) -> None:
        """``obj`` ends in one of ``states``: keep what they agree on."""
        merged = obj.merge_states(states)
        if merged is not None:
            obj.set_state(merged)
        else:
            self.make_uncertain(obj)

    def run_branches(self, branches, frame, discard: bool = False) -> str:
        """Run each branch from the same state; keep what all surviving branches agree on."""
        before_vars = dict(frame.scope.vars)
        mark = len(self.entries)
        outcomes = []
        for branch in branches:
            frame.scope.vars = dict(before_vars)
            frame.conditional += 1
            try:
                status = branch(frame)
            finally:
                frame.conditional -= 1
            changed = {key: (obj, obj.state(), before)
                       for key, (obj, before) in self._changes_since(mark).items()}
            outcomes.append((status, dict(frame.scope.vars), changed))
            self._undo(mark)
        frame.scope.vars = before_vars
        if discard:
            return NORMAL
        live = [o for o in outcomes if o[0] in (NORMAL, BREAK)]
        if not live:
            return outcomes[0][0] if all(o[0] == outcomes[0][0] for o in outcomes) else RAISE
        # Names: equal in every surviving branch, or unknown.
        for name in set().union(*(o[1] for o in live)):
            values = [o[1].get(name, MISSING) for o in live]
            value = values[0] if all(same(values[0], v) for v in values[1:]) else UNKNOWN
            if name not in before_vars or not same(before_vars[name], value):
                frame.scope.bind(name, value)
        # Mutable objects: the state the surviving branches agree on, else uncertain.
        touched = {}
        for outcome in outcomes:
            for key, (obj, _after, before) in outcome[2].items():
                touched.setdefault(key, (obj, before))
        for key, (obj, before) in touched.items():
            states = [o[2][key][1] if key in o[2] else before for o in live]
            self.touch(obj)
            if all(same_state(states[0], s) for s in states[1:]):
                obj.set_state(states[0])
            else:
                self._settle(obj, states)
        return NORMAL

    def run_uncertain_loop(self, body, frame) -> str:
        """A loop that may run any number of times: run its body once to check it, then
        forget whatever it changed."""
        before_vars = dict(frame.scope.vars)
        mark = len(self.entries)
        frame.conditional += 1
        try:
            body(frame)
        finally:
            frame.conditional -= 1
        for name, value in list(frame.scope.vars.items()):
            if name not in before_vars or not same(before_vars[name], value):
                frame.scope.bind(name, UNKNOWN)
        for obj, before in self._changes_since(mark).values():
            if not same_state(before, obj.state()):
                after = obj.state()
                self.touch(obj)
                obj.set_state(before)
                self._settle(obj, [before, after])
        return NORMAL
