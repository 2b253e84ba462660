"""Bad input: malformed credentials give the documented result, quietly.

Each credential in turn gets each value of ``auth_backend_sdk.testing.BAD_VALUES``
(``None``, an int, bytes, a megabyte, a NUL byte, a lone surrogate, ...).
No exception may escape (except ``PermissionDenied`` from a backend that
declares it), and no credential value may appear in an exception message,
a warning or a log record.
"""

from __future__ import annotations

import logging
import unittest
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied

from ....testing._reporting import fail, render_outcome
from ....testing.harness import check
from ....testing.masking import contains_secret
from ....testing.modes import Mode
from ..bad_values import BAD_VALUES, MARK
from ..base import AuthContractBase
from ..capabilities import AUTHENTICATES, Capability, CredentialStyle, credential_style

__all__ = ["BadInputChecks"]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            self.texts.append(str(record.exc_info[1]))


@contextmanager
def _watching() -> Iterator[list[str]]:
    """Every log message and warning text produced in the block."""
    collector = _Collector()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield collector.texts
            collector.texts.extend(str(w.message) for w in caught)
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)


class BadInputChecks(AuthContractBase):
    @check(any_of=AUTHENTICATES)
    def bad_credentials_are_refused_quietly(self, mode: Mode) -> None:
        """Malformed credentials give None: no exception, no credential in logs or messages."""
        fields = self.credential_fields()
        if not fields:
            raise unittest.SkipTest("no credential a user controls: credential_fields() is ()")
        user = self.create_user()
        secrets = (MARK, *self.known_secrets())
        allow_user = credential_style(self.backend_class) is not CredentialStyle.PASSWORD
        denies = Capability.RAISES_PERMISSION_DENIED in self.declared_capabilities()
        problems = []
        for field in fields:
            for label, value in BAD_VALUES.items():
                login = self.valid_login(user)
                credentials = {**login.credentials, field: value}
                with _watching() as texts:
                    outcome = mode.outcome(
                        self.get_backend(), "authenticate", login.request, **credentials
                    )
                if outcome.raised is not None:
                    texts = [*texts, str(outcome.raised), repr(outcome.raised.args)]
                case = f"{field}={label}"
                if any(contains_secret(text, secrets) for text in texts):
                    problems.append(f"{case}: a credential value reached a log, warning or error")
                if outcome.raised is not None and not (
                    denies and isinstance(outcome.raised, PermissionDenied)
                ):
                    problems.append(f"{case}: {render_outcome(outcome, secrets)}")
                elif outcome.missing or (outcome.value is not None and not allow_user):
                    problems.append(f"{case}: {render_outcome(outcome, secrets)}, not None")
        if problems:
            test = f"test_bad_credentials_are_refused_quietly_{mode.value}"
            method = mode.method_name("authenticate", self.backend_class)
            raise fail(
                f"{method} ({mode.value}) mishandled bad credentials",
                *problems,
                f"Fed to {', '.join(fields)}: the credentials a user controls "
                "(credential_fields()). If this is a documented behaviour of the backend, "
                f"accept it: expected_failures = {{{test!r}: 'why'}}.",
            )
