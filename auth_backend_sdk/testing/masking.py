"""Secrets never printed: every form a secret can take in output, replaced by ``********``.

A secret (a contract's password, a database password) can reach output raw,
through ``repr()`` or ``ascii()`` (quotes, backslashes, ``\\x00``, non-ASCII
and lone surrogates escaped), JSON-escaped, as the ``repr()`` of its UTF-8
bytes, with a stream's ``backslashreplace``, or several of these nested:
the ``repr()`` of an exception message that holds a ``repr()``, inside a JSON
report. :func:`mask` replaces each of those forms. Text is masked before it
is cut short, never after: a cut must not leave a prefix of a secret.

Every printer of the suite and of the ``check`` command goes through
:func:`mask`: failure messages, error explanations, the report, pytest's
and unittest's failure output.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable, Collection, Iterable
from typing import TextIO

__all__ = [
    "MASK",
    "MaskedError",
    "MaskingStream",
    "contains_secret",
    "mask",
    "mask_exception",
    "secret_forms",
]

MASK = "********"
"""What a secret is printed as."""

_NESTING = 3
"""How many escapings deep a form is looked for: a secret in a ``repr()`` in a
message, ``repr()``-ed again by a failure message, in a JSON report."""


def _escaped_chars(secret: str, escape: Callable[[str], str], quote_escaped: bool) -> str:
    # repr() escapes character by character, but picks its quotes from the whole
    # string: a secret's ' stays bare in "...", and becomes \' in '...'.
    return "".join("\\'" if quote_escaped and ch == "'" else escape(ch)[1:-1] for ch in secret)


def _bytes_body(secret: str, quote_escaped: bool) -> str:
    try:
        data = secret.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone high surrogate: no bytes spell this secret
        return secret
    return "".join(
        "\\'" if quote_escaped and byte == ord("'") else repr(bytes([byte]))[2:-1] for byte in data
    )


_ESCAPES: tuple[Callable[[str], str], ...] = (
    lambda s: _escaped_chars(s, repr, quote_escaped=False),
    lambda s: _escaped_chars(s, repr, quote_escaped=True),
    lambda s: _escaped_chars(s, ascii, quote_escaped=False),
    lambda s: _escaped_chars(s, ascii, quote_escaped=True),
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: s.encode("ascii", "backslashreplace").decode("ascii"),
    lambda s: _bytes_body(s, quote_escaped=False),
    lambda s: _bytes_body(s, quote_escaped=True),
)


@functools.lru_cache(maxsize=64)
def secret_forms(secret: str) -> frozenset[str]:
    """``secret`` as it can appear in printed text: raw, and escaped up to three times."""
    forms = {secret}
    latest = {secret}
    for _ in range(_NESTING):
        latest = {escape(form) for form in latest for escape in _ESCAPES} - forms
        forms |= latest
    return frozenset(form for form in forms if form)


@functools.lru_cache(maxsize=64)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms = {form for secret in secrets for form in secret_forms(secret)}
    if not forms:
        return None
    # Longest first: the regex takes the first alternative that matches.
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def _compiled(secrets: Iterable[str]) -> re.Pattern[str] | None:
    return _pattern(frozenset(s for s in secrets if s))


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by :data:`MASK`."""
    pattern = _compiled(secrets)
    return text if pattern is None else pattern.sub(MASK, text)


def contains_secret(text: str, secrets: Iterable[str]) -> bool:
    """Whether any form of any secret appears in ``text``."""
    pattern = _compiled(secrets)
    return pattern is not None and pattern.search(text) is not None


class MaskedError(Exception):
    """Stands in for an exception whose message held a secret that could not be masked in place
    (its ``str()`` does not come from its ``args``)."""


def mask_exception(exc: BaseException, secrets: Collection[str]) -> BaseException:
    """``exc`` with secrets masked in its message, notes and chained exceptions.

    Masked in place, so the type and traceback stay (unittest and pytest print
    both); a :class:`MaskedError` carrying the masked text when that is not
    possible.
    """
    pattern = _compiled(secrets)
    if pattern is None:
        return exc
    return _mask_exception(exc, pattern, set())


def _mask_exception(exc: BaseException, pattern: re.Pattern[str], seen: set[int]) -> BaseException:
    if id(exc) in seen:
        return exc
    seen.add(id(exc))
    exc.args = tuple(_masked_arg(arg, pattern) for arg in exc.args)
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        exc.__notes__ = [pattern.sub(MASK, str(note)) for note in notes]
    for sub in getattr(exc, "exceptions", ()):  # an exception group's members
        if _mask_exception(sub, pattern, seen) is not sub:
            return _replacement(exc, pattern)
    if exc.__cause__ is not None:
        exc.__cause__ = _mask_exception(exc.__cause__, pattern, seen)
    if exc.__context__ is not None:
        exc.__context__ = _mask_exception(exc.__context__, pattern, seen)
    if pattern.search(_safe_str(exc)):
        return _replacement(exc, pattern)
    return exc


def _masked_arg(arg: object, pattern: re.Pattern[str]) -> object:
    if isinstance(arg, str):
        return pattern.sub(MASK, arg)
    if pattern.search(_safe_repr(arg)):
        return pattern.sub(MASK, _safe_repr(arg))
    return arg


def _replacement(exc: BaseException, pattern: re.Pattern[str]) -> MaskedError:
    replacement = MaskedError(f"{type(exc).__name__}: {pattern.sub(MASK, _safe_str(exc))}")
    replacement.__traceback__ = exc.__traceback__
    replacement.__suppress_context__ = True
    return replacement


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ prints nothing, so it leaks nothing
        return ""


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:
        return ""


class MaskingStream(io.TextIOBase):
    """A text stream that masks what it writes, on each ``flush()``.

    Text waits for a flush, so a secret written in pieces (``print()`` writes
    each argument separately) is masked whole. ``secrets`` is read at each
    flush: secrets learnt later count from then on.
    """

    def __init__(self, stream: TextIO, secrets: Collection[str]) -> None:
        super().__init__()
        self.stream = stream
        self.secrets = secrets
        self._pending: list[str] = []

    def write(self, text: str) -> int:
        self._pending.append(text)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self.stream.write(mask(text, self.secrets))
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding
