"""Parity: the same requests get the same answers in both modes, store the same, and hold
what a ``dict`` would.

A request is a sequence of steps on ``request.session`` (:mod:`..requests`):
``set``, ``get``, ``pop``, ``setdefault``, ``update``, ``cycle_key``,
``flush``, ``set_expiry`` and the expiry getters, ``save``, and the next
request on the same key (a new store). It starts from a new session, a saved
one, or a saved one a minute from expiry, and the first step may read the
session or change it unread. Explicit cases run first, on every run; then
Hypothesis generates others (JSON values, keys that collide), derandomized
and bounded by ``hypothesis_examples``.

Each mode runs the request on a session of its own; then the response saves
it, and the next request loads it. Compared between the modes: each step's
answer, what the store keeps (``stored_entry()``: the row with its user, IP
address and user agent columns, the cache entry, the file, the cookie) and
what the next request loads; compared with a ``dict``: each answer a dict
knows, and what the next request loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check, hypothesis_strategies
from ....testing.modes import ASYNC, SYNC, Mode, Outcome
from ..base import NEAR_EXPIRY, SessionContractBase
from ..comparable import EXPIRY_KEY, shared
from ..requests import EXPIRY_LABELS, DictModel, Request, Step, knows

__all__ = ["ParityChecks"]

KEYS = ("cart", "theme", "visits")
"""Few keys, so that generated steps meet each other's writes."""
INITIAL = {"cart": [1, 2], "theme": "dark"}
STARTS: dict[str, tuple[bool, timedelta | None]] = {
    "a new session": (False, None),
    "a saved session": (True, None),
    "a saved session a minute from expiry": (True, NEAR_EXPIRY),
}
"""Label -> (a saved session?, its expiry)."""

EXPLICIT: list[tuple[str, list[Step]]] = [
    (start, steps)
    for start in STARTS
    for steps in (
        [Step("get", "cart"), Step("set", "cart", [3]), Step("get", "cart")],
        [Step("set", "visits", 1), Step("next request"), Step("pop", "visits")],
        [Step("setdefault", "theme", "light"), Step("update", value={"visits": 2})],
        [Step("cycle_key"), Step("set", "visits", 1), Step("next request"), Step("get", "cart")],
        [Step("flush"), Step("set", "theme", "light"), Step("next request")],
        [
            Step("set_expiry", value="60 seconds"),
            Step("next request"),
            Step("get_expiry_age"),
            Step("get_expiry_date"),
            Step("set_expiry", value="None"),
        ],
        [Step("set_expiry", value="a timedelta of 5 minutes"), Step("cycle_key"), Step("save")],
        [Step("save"), Step("next request"), Step("get", "theme")],
    )
]
"""Every kind of request, from every start, on every run; before the generated ones."""


@dataclass(frozen=True)
class Run:
    """One mode's request: each step's outcome, and what followed the response."""

    outcomes: list[Outcome]
    flags: dict[str, bool]
    """``accessed`` and ``modified`` once the view is done: what SessionMiddleware reads."""
    saved: Outcome
    stored: object
    loaded: dict[str, Any]
    """All the next request loads, the keys the store adds by itself included."""


class ParityChecks(SessionContractBase):
    @check(modes=())
    def session_parity(self) -> None:
        """Generated requests answer and store alike in both modes, and hold what a dict would."""
        st = hypothesis_strategies()
        values = st.recursive(
            st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text(st),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(_text(st), inner, max_size=3)
            ),
            max_leaves=6,
        )
        keys = st.sampled_from(KEYS)
        step = st.one_of(
            st.builds(Step, st.just("set"), keys, values),
            st.builds(Step, st.sampled_from(["get", "pop"]), keys),
            st.builds(Step, st.just("setdefault"), keys, values),
            st.builds(Step, st.just("update"), value=st.dictionaries(keys, values, max_size=2)),
            st.builds(Step, st.sampled_from(["cycle_key", "flush", "save", "next request"])),
            st.builds(Step, st.just("set_expiry"), value=st.sampled_from(EXPIRY_LABELS)),
            st.builds(Step, st.sampled_from(["get_expiry_age", "get_expiry_date"])),
        )
        drawn = st.tuples(st.sampled_from(sorted(STARTS)), st.lists(step, min_size=1, max_size=8))

        def example(case: tuple[str, list[Step]]) -> None:
            self.compare_modes(case)

        self.run_examples(drawn, example, EXPLICIT)

    def compare_modes(self, case: tuple[str, list[Step]]) -> None:
        start, steps = case
        started = timezone.now()
        sync, async_ = (self.request(mode, start, steps, started) for mode in (SYNC, ASYNC))
        shown = [f"starting from {start}", *(f"  {step!r}" for step in steps)]
        for step, one, other in zip(steps, sync.outcomes, async_.outcomes, strict=True):
            if one.key != other.key:
                raise fail(
                    f"parity: {other.method} diverged from {one.method} at {step!r}",
                    *shown,
                    f"sync:  {render_outcome(one)}",
                    f"async: {render_outcome(other)}",
                )
        for what, one_side, other_side in (
            ("what SessionMiddleware reads (accessed, modified)", sync.flags, async_.flags),
            ("the response's save()", sync.saved.key, async_.saved.key),
            ("what the store keeps (stored_entry())", sync.stored, async_.stored),
            ("what the next request loads", sync.loaded, async_.loaded),
        ):
            if one_side != other_side:
                raise fail(
                    f"parity: {what} differs between the modes",
                    *shown,
                    f"sync:  {one_side!r}"[:400],
                    f"async: {other_side!r}"[:400],
                )
        self.expect_dict_answers(start, steps, sync, shown)

    def request(self, mode: Mode, start: str, steps: Sequence[Step], started: Any) -> Run:
        saved_before, expiry = STARTS[start]
        key = self.saved_session(INITIAL, expiry=expiry) if saved_before else None
        request = Request(self.new_store(key), self.new_store, started)
        outcomes = [step.run(mode, request) for step in steps]
        flags = {"accessed": request.store.accessed, "modified": request.store.modified}
        saved = mode.outcome(request.store, "save")
        final = request.store.session_key
        stored = shared(self.stored_entry(final)) if final else None
        loaded = dict(self.call(mode, self.new_store(final), "items"))
        return Run(outcomes, flags, saved, stored, shared(loaded))

    def expect_dict_answers(
        self, start: str, steps: Sequence[Step], run: Run, shown: list[str]
    ) -> None:
        """Each answer a dict knows, and what the next request loads, are a dict's."""
        saved_before, expiry = STARTS[start]
        model = DictModel(dict(INITIAL) if saved_before else {})
        if expiry is not None:
            model.data[EXPIRY_KEY] = (timezone.now() + expiry).isoformat()
        for step, outcome in zip(steps, run.outcomes, strict=True):
            expected = model.answer(step)
            if knows(expected) and outcome.key != ("returned", shared(expected)):
                raise fail(
                    f"{outcome.method} answered what a dict would not, at {step!r}",
                    *shown,
                    f"a dict: {expected!r}",
                    f"got:    {render_outcome(outcome)}",
                )
            model.apply(step)
        loaded = self.without_added_keys(run.loaded)
        if loaded != shared(model.data):
            raise fail(
                "the next request loads what a dict would not hold after these steps",
                *shown,
                f"a dict: {model.data!r}"[:400],
                f"loaded: {loaded!r}"[:400],
            )


def _text(st: Any) -> Any:
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
