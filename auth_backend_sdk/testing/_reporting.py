"""Failure messages that say what diverged, with secrets masked.

A failing check names the method, the mode, the inputs and both results::

    aauthenticate diverged from authenticate
      inputs:  request=None, username='alice', password='********'
      sync:    returned <User pk=3 'alice'>
      async:   returned None
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .masking import MASK, mask
from .modes import Outcome

__all__ = ["MASK", "ContractFailure", "fail", "render_inputs", "render_outcome", "render_value"]

# The same names Django's error reports hide (SafeExceptionReporterFilter.hidden_settings).
_SENSITIVE_NAME = re.compile(r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|CODE|OTP", re.IGNORECASE)


class ContractFailure(AssertionError):
    """A backend broke the contract; the message says how."""


def fail(summary: str, *details: str) -> ContractFailure:
    """A failure to raise: a summary line, then indented detail lines."""
    return ContractFailure("\n  ".join([summary, *details]))


_LONGEST_VALUE = 80


def render_value(value: object, secrets: Iterable[str] = ()) -> str:
    """``repr(value)`` with secrets masked, then cut to 80 characters (never the other way
    round: a cut through a secret would print its beginning)."""
    secrets = tuple(secrets)
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(render_value(item, secrets) for item in value)) + "}"
    if hasattr(value, "get_username") and getattr(value, "pk", None) is not None:
        text = f"<{type(value).__name__} pk={value.pk!r} {str(value.get_username())!r}>"  # type: ignore[attr-defined]
    elif isinstance(value, str):
        # Masked before repr() escapes it once more: an exception message may already
        # hold a repr() of a repr() of the password.
        text = repr(mask(value, secrets))
    else:
        text = repr(value)
    text = mask(text, secrets)
    if len(text) > _LONGEST_VALUE:
        text = text[: _LONGEST_VALUE - 3] + "..."
    return text


def render_inputs(
    args: Mapping[str, Any], secrets: Iterable[str] = (), *, mask_names: bool = True
) -> str:
    """``name=value`` pairs; values of sensitive names and known secrets are masked."""
    secrets = tuple(s for s in secrets if s)
    parts = []
    for name, value in args.items():
        if mask_names and _SENSITIVE_NAME.search(name) and value is not None:
            parts.append(f"{name}={MASK}")
        else:
            parts.append(f"{name}={render_value(value, secrets)}")
    return ", ".join(parts)


def render_outcome(outcome: Outcome, secrets: Iterable[str] = ()) -> str:
    if outcome.missing:
        return outcome.note
    if outcome.raised is not None:
        message = render_value(str(outcome.raised), secrets)
        return f"raised {type(outcome.raised).__name__}({message})"
    text = f"returned {render_value(outcome.value, secrets)}"
    return f"{text} ({outcome.note})" if outcome.note else text
