"""Requests as sequences of session operations, run in one mode, and what a dict would answer.

A :class:`Step` is one operation of a view on ``request.session``: ``set``,
``get``, ``pop``, ``setdefault``, ``update``, ``cycle_key``, ``flush``,
``set_expiry``, the expiry getters, ``save``, or ``next request`` (save,
then a new store on the same key, as the next request makes it). Run in a
mode, each step calls the sync method or awaits its async twin, as the family
declares it. :class:`DictModel` is the oracle: what the session must hold
after the same steps, read as a plain ``dict``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ...testing.modes import Mode, Outcome
from .comparable import EXPIRY_KEY, Seconds, shared

__all__ = ["EXPIRY_LABELS", "DictModel", "Request", "Step", "expiry_value", "knows"]

_EXPIRIES: dict[str, Callable[[], Any]] = {
    "None": lambda: None,
    "0": lambda: 0,
    "60 seconds": lambda: 60,
    "two weeks": lambda: 1_209_600,
    "a timedelta of 5 minutes": lambda: datetime.timedelta(minutes=5),
    "a datetime a day ahead": lambda: timezone.now() + datetime.timedelta(days=1),
}
EXPIRY_LABELS = tuple(_EXPIRIES)


def expiry_value(label: str) -> Any:
    """The value ``set_expiry()`` gets for ``label`` (a time from now, made when asked)."""
    return _EXPIRIES[label]()


@dataclass(frozen=True)
class Step:
    """One operation of a view on ``request.session``."""

    operation: str
    key: str = ""
    value: Any = None

    def __repr__(self) -> str:
        shown = {
            "set": f"session[{self.key!r}] = {self.value!r}",
            "get": f"session.get({self.key!r})",
            "pop": f"session.pop({self.key!r}, None)",
            "setdefault": f"session.setdefault({self.key!r}, {self.value!r})",
            "update": f"session.update({self.value!r})",
            "set_expiry": f"session.set_expiry({self.value})",
            "get_expiry_age": "session.get_expiry_age(modification=start)",
            "get_expiry_date": "session.get_expiry_date(modification=start)",
            "next request": "(the next request: save(), then a new store on the key)",
        }
        return shown.get(self.operation, f"session.{self.operation}()")

    def run(self, mode: Mode, request: Request) -> Outcome:
        """Run this step on ``request``'s store in ``mode``: what it returned or raised."""
        store = request.store
        op = self.operation
        if op == "next request":
            saved = mode.outcome(store, "save")
            if saved.raised is None:
                request.store = request.reopen(store.session_key)
            return saved
        args: tuple[Any, ...] = {
            "set": (self.key, self.value),
            "get": (self.key,),
            "pop": (self.key, None),
            "setdefault": (self.key, self.value),
            "update": (self.value,),
        }.get(op, ())
        method = {"set": "__setitem__"}.get(op, op)
        kwargs: dict[str, Any] = {}
        if op == "set_expiry":
            args = (expiry_value(self.value),)
        if op in ("get_expiry_age", "get_expiry_date"):
            kwargs["modification"] = request.started
        outcome = _shared_outcome(mode.outcome(store, method, *args, **kwargs))
        if op == "get_expiry_age" and isinstance(outcome.value, int | float):
            return Outcome(outcome.mode, outcome.method, Seconds(outcome.value))
        return outcome


@dataclass
class Request:
    """The store steps run on, and how to open the next request's store.

    ``started``: when the request began; the expiry getters are asked relative
    to it (``modification=``), so both modes get the same answer.
    """

    store: Any
    reopen: Callable[[str | None], Any]
    started: datetime.datetime


@dataclass
class DictModel:
    """What a session must hold after each step: a ``dict`` with the same operations."""

    data: dict[str, Any]

    def apply(self, step: Step) -> None:
        op, data = step.operation, self.data
        if op == "set":
            data[step.key] = step.value
        elif op == "pop":
            data.pop(step.key, None)
        elif op == "setdefault":
            data.setdefault(step.key, step.value)
        elif op == "update":
            data.update(step.value)
        elif op == "flush":
            data.clear()
        elif op == "set_expiry":
            value = expiry_value(step.value)
            if value is None:
                data.pop(EXPIRY_KEY, None)
            elif isinstance(value, datetime.timedelta):
                data[EXPIRY_KEY] = (timezone.now() + value).isoformat()
            elif isinstance(value, datetime.datetime):
                data[EXPIRY_KEY] = value.isoformat()
            else:
                data[EXPIRY_KEY] = value

    def answer(self, step: Step) -> object:
        """What the step returns, for the steps whose answer a dict knows."""
        if step.operation in ("get", "pop"):
            return self.data.get(step.key)
        if step.operation == "setdefault":
            return self.data.get(step.key, step.value)
        return _UNKNOWN


_UNKNOWN = object()


def knows(answer: object) -> bool:
    return answer is not _UNKNOWN


def _shared_outcome(outcome: Outcome) -> Outcome:
    """The outcome with its value as both modes can share it (views as sorted lists)."""
    if outcome.raised is not None or outcome.missing:
        return outcome
    value: Any = outcome.value
    if type(value).__name__ in ("dict_keys", "dict_values", "dict_items"):
        value = sorted(value, key=repr)
    return Outcome(outcome.mode, outcome.method, shared(value), note=outcome.note)
