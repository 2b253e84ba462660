"""The overridable sync methods a library's own async methods run on the event loop.

Django's ``ModelBackend.aauthenticate()`` awaits the database and the hasher,
but calls ``self.user_can_authenticate(user)`` directly, on the event loop. A
subclass that overrides such a hook with a database query gets
``SynchronousOnlyOperation`` from every async call, and the dual-mode engine
cannot help: the library's async method is native, so it stays in use.

Which hooks are called that way is a fact of the installed release, so it is
read from the library's source, not listed here: ``self.x(...)`` and
``super().x(...)`` calls, and ``getattr(self, "_get_%s_permissions" %
from_name)(...)``, whose name is worked out from the string literals the
caller passed (``self._aget_permissions(user_obj, obj, "user")``); a piece of
a name that no such literal gives matches any method. Names it cannot work
out at all (``"x" + y``) are left alone. Methods the library hands to a
thread (``sync_to_async(self.configure_user)``) are referenced, not called,
and do not count. A library installed without its source counts as calling
nothing.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import inspect
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from .engine import lookup

__all__ = ["SyncCallOnLoop", "sync_calls_on_loop"]


@dataclass(frozen=True)
class SyncCallOnLoop:
    """A sync method overridden outside the library that the library's async code calls."""

    name: str
    """The method, such as ``"user_can_authenticate"``."""
    defined_in: type
    """The class whose definition runs on the loop."""
    reached_from: tuple[str, ...]
    """The entry points that reach the call, such as ``("aauthenticate", "aget_user")``."""


@dataclass(frozen=True)
class _Callee:
    """A method a function calls on ``self``, as written in its source."""

    name_parts: tuple[str | None, ...]
    """Literal text, and ``None`` for each piece computed from a variable."""
    variables: tuple[str | None, ...]
    """For each ``None`` piece, the variable it comes from (``None``: cannot be told)."""
    through_super: bool
    positional: tuple[str | None, ...]
    """Each positional argument: its value if it is a string literal, else None."""
    keywords: tuple[tuple[str, str], ...]
    """The keyword arguments that are string literals."""


_Bindings = Mapping[str, str]


def sync_calls_on_loop(
    cls: type, entry_points: Sequence[str], library_module: str
) -> list[SyncCallOnLoop]:
    """Sync methods not from ``library_module`` that its async code runs on ``cls``'s loop.

    Starts from each of ``entry_points`` (async method names) that resolves to
    a definition in ``library_module``, and follows the library's own methods
    it calls, as they resolve on ``cls``.
    """
    reached: dict[str, tuple[type, list[str]]] = {}
    for entry in entry_points:
        found = lookup(cls, entry)
        if found is None or found[0].__module__ != library_module:
            continue
        pending: list[tuple[type, object, _Bindings]] = [(found[0], found[1], {})]
        seen: set[tuple[int, frozenset[tuple[str, str]]]] = set()
        while pending:
            owner, function, bindings = pending.pop()
            key = (id(function), frozenset(bindings.items()))
            if key in seen:
                continue
            seen.add(key)
            for name, target_owner, value, callee in _resolve_callees(
                cls, owner, function, bindings
            ):
                if target_owner.__module__ == library_module:
                    pending.append((target_owner, value, _bind(value, callee)))
                elif not _is_async(value):
                    entries = reached.setdefault(name, (target_owner, []))[1]
                    if entry not in entries:
                        entries.append(entry)
    return [
        SyncCallOnLoop(name, owner, tuple(entries)) for name, (owner, entries) in reached.items()
    ]


def _resolve_callees(
    cls: type, owner: type, function: object, bindings: _Bindings
) -> Iterator[tuple[str, type, object, _Callee]]:
    """``(name, defining class, value, callee)`` for each method ``function`` calls on self."""
    for callee in _callees(function):
        variables = iter(callee.variables)
        name = "".join(
            part if part is not None else bindings.get(next(variables) or "", "*")
            for part in callee.name_parts
        )
        names = (
            sorted(n for n in dir(cls) if fnmatch.fnmatchcase(n, name)) if "*" in name else [name]
        )
        for resolved in names:
            found = (
                _super_lookup(cls, owner, resolved)
                if callee.through_super
                else lookup(cls, resolved)
            )
            if found is not None:
                yield resolved, found[0], found[1], callee


def _super_lookup(cls: type, owner: type, name: str) -> tuple[type, object] | None:
    mro = cls.__mro__
    later = mro[mro.index(owner) + 1 :]
    return next(((klass, klass.__dict__[name]) for klass in later if name in klass.__dict__), None)


def _bind(function: object, callee: _Callee) -> dict[str, str]:
    """The parameters of ``function`` (a method) that ``callee``'s call passes string literals."""
    parameters = list(inspect.signature(_plain(function)).parameters)[1:]  # type: ignore[arg-type]
    passed = {**dict(zip(parameters, callee.positional, strict=False)), **dict(callee.keywords)}
    return {name: value for name, value in passed.items() if value is not None}


def _plain(value: object) -> object:
    return getattr(value, "__func__", value)


def _is_async(value: object) -> bool:
    return inspect.iscoroutinefunction(_plain(value))


@functools.cache
def _callees(function: object) -> tuple[_Callee, ...]:
    try:
        source = inspect.getsource(_plain(function))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ()
    definition = ast.parse(textwrap.dedent(source)).body[0]
    calls = (node for node in _walk_own_code(definition) if isinstance(node, ast.Call))
    return tuple(callee for call in calls if (callee := _callee(call)) is not None)


def _walk_own_code(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` that skips nested functions: their calls may run anywhere."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk_own_code(child)


def _callee(call: ast.Call) -> _Callee | None:
    target = _target(call.func)
    if target is None:
        return None
    keywords = tuple(
        (keyword.arg, text)
        for keyword in call.keywords
        if keyword.arg is not None and (text := _text(keyword.value)) is not None
    )
    return _Callee(*target, tuple(_text(argument) for argument in call.args), keywords)


def _target(
    func: ast.expr,
) -> tuple[tuple[str | None, ...], tuple[str | None, ...], bool] | None:
    """``(name parts, variables, through super())`` of a method called on self, else None."""
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "self":
            return (func.attr,), (), False
        if (
            isinstance(owner, ast.Call)
            and isinstance(owner.func, ast.Name)
            and owner.func.id == "super"
        ):
            return (func.attr,), (), True
        return None
    if (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Name)
        and func.func.id == "getattr"
        and len(func.args) >= 2
        and isinstance(func.args[0], ast.Name)
        and func.args[0].id == "self"
    ):
        parts = _name_parts(func.args[1])
        return None if parts is None else (*parts, False)
    return None


def _text(node: ast.expr) -> str | None:
    """The value of a string literal; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _name_parts(
    node: ast.expr,
) -> tuple[tuple[str | None, ...], tuple[str | None, ...]] | None:
    """A computed attribute name as literal parts and the variables filling the gaps."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _text(node.left)
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        pieces = template.split("%s") if template is not None else []
        if len(pieces) != len(values) + 1 or "%" in "".join(pieces):
            return None  # not a plain "%s" template
        parts: list[str | None] = [pieces[0]]
        for piece in pieces[1:]:
            parts += [None, piece]
        return tuple(parts), tuple(_variable(v) for v in values)
    if isinstance(node, ast.JoinedStr):
        parts, variables = [], []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                parts.append(None)
                variables.append(_variable(value.value))
            else:
                parts.append(_text(value))
        return tuple(parts), tuple(variables)
    return None


def _variable(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None
