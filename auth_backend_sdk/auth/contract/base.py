"""What every authentication contract shares: the harness, the hooks, password settings.

:class:`AuthContractBase` is the generic :class:`~auth_backend_sdk.testing.harness.ContractBase`
with what authentication backends add: the setup hooks
(:class:`~auth_backend_sdk.testing.ContractHooks`), capabilities inferred from
the backend class, the users' password as a secret, a fast password hasher
while checks run, and the oracle (Django's ``ModelBackend``) where it applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from django.test import override_settings

from ...engine._derivation import derivation_of
from ...engine._resolution import lookup
from ...testing.harness import ContractBase, Inference
from ..family import AUTHENTICATION, DJANGO_BACKENDS_MODULE
from .capabilities import AUTHENTICATES, Capability, explain_capabilities, infer_capabilities
from .hooks import ContractHooks

__all__ = ["AuthContractBase"]


class AuthContractBase(ContractBase, ContractHooks):
    """The base of the authentication contract suites (no checks of its own)."""

    fast_password_hasher: ClassVar[str | None] = "django.contrib.auth.hashers.MD5PasswordHasher"
    """Put first in ``PASSWORD_HASHERS`` while checks run, except the event-loop login
    check, which always uses Django's default hasher. ``None`` keeps the project's."""
    model_backend_compatible: ClassVar[bool | None] = None
    """Whether the backend reads Django's users, passwords and permission tables, so that
    the default hooks can make its users, logins and grants; ``None``: when it subclasses
    Django's ``ModelBackend``."""
    answers_as_model_backend: ClassVar[bool | None] = None
    """Whether its answers must equal those of Django's ``ModelBackend``, read from Django's
    tables (the oracle); ``None``: for the methods that Django's own code, or a drop-in's
    (``reference_backends``), answers. A project's override (usernames matched in any case,
    permissions never cached) is a choice the oracle does not judge: set it to ``True`` to
    hold the backend to ``ModelBackend``'s answers all the same."""

    @classmethod
    def inferred_capabilities(cls) -> frozenset[Capability]:
        """Read from the backend class, and from the hooks the contract writes.

        A contract that writes a login hook says the backend logs users in,
        whatever its ``authenticate`` signature suggests.
        """
        inferred = infer_capabilities(cls.load_backend_class())
        if not inferred & AUTHENTICATES and _writes_login_hooks(cls):
            inferred |= {Capability.OTHER_CREDENTIALS}
        return inferred

    @classmethod
    def explain_capabilities(cls) -> tuple[Inference, ...]:
        found = explain_capabilities(cls.load_backend_class())
        read = frozenset(c for inference in found for c in inference.capabilities)
        added = cls.declared_capabilities() - read
        if added:
            found = (*found, Inference(added, "the contract writes login hooks: it logs users in"))
        return found

    @classmethod
    def coerce_capability(cls, value: object) -> Capability:
        return Capability(value)

    def is_model_backend_compatible(self) -> bool:
        if self.model_backend_compatible is not None:
            return self.model_backend_compatible
        from django.contrib.auth.backends import ModelBackend

        return issubclass(self.backend_class, ModelBackend)

    def answers_as_model_backend_for(self, *names: str) -> bool:
        """Whether the oracle judges the methods ``names`` (each with its async twin)."""
        if self.answers_as_model_backend is not None:
            return self.answers_as_model_backend
        if not self.is_model_backend_compatible():
            return False
        pairs = {pair.sync_name: pair for pair in AUTHENTICATION.pairs}
        return all(
            _defined_by_a_drop_in(self.backend_class, side)
            for name in names
            for side in pairs.get(name, (name,))  # a hook such as user_can_authenticate
        )

    def default_secrets(self) -> tuple[str, ...]:
        """The users' password."""
        return (self.password,)

    def secrets(self) -> tuple[str, ...]:
        """Values never to print: the users' password. Override to add others (tokens).

        Failure messages, and what pytest, unittest and the ``check`` command print
        about a contract test, show them in no form (raw, ``repr()``-escaped,
        JSON-escaped, cut short) but as ``********``.
        """
        return self.default_secrets()

    @contextmanager
    def checking(self) -> Iterator[None]:
        """The settings every check runs under: the fast hasher, unless disabled."""
        if self.fast_password_hasher is None:
            yield
            return
        from django.conf import settings

        hashers = [self.fast_password_hasher, *settings.PASSWORD_HASHERS]
        with override_settings(PASSWORD_HASHERS=list(dict.fromkeys(hashers))):
            yield


_LOGIN_HOOKS = ("valid_login", "user_credentials")


def _writes_login_hooks(contract: type) -> bool:
    """Whether ``contract`` overrides a hook that says how a user logs in."""
    return any(getattr(contract, name) is not getattr(ContractHooks, name) for name in _LOGIN_HOOKS)


_DROP_IN_MODULES = (DJANGO_BACKENDS_MODULE, "reference_backends.")


def _defined_by_a_drop_in(backend_class: type, name: str) -> bool:
    """Whether ``name`` resolves to Django's own code or a drop-in's (a derived side: its
    source's)."""
    found = lookup(backend_class, name)
    if found is None:
        return True
    owner, value = found
    derivation = derivation_of(value)
    module = (derivation.owner if derivation is not None else owner).__module__
    return module == _DROP_IN_MODULES[0] or module.startswith(_DROP_IN_MODULES[1])
