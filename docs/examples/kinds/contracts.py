"""A contract for each kind of backend: ``check --contract docs.examples.kinds.contracts``.

Each class names the adapted backend it is for (``backends.py``); the ``check`` command
runs, for each backend it checks, the class that names it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from auth_backend_sdk.testing import (
    AuthBackendContract,
    Capability,
    Login,
    PermissionBackendContract,
)

from . import project_rules  # noqa: F401 (registers the rules)


class HeaderTokenContract(AuthBackendContract):
    """django-oauth-toolkit's ``OAuth2Backend`` reads ``Authorization: Bearer <token>`` from
    the request and looks the token up in the toolkit's ``AccessToken`` table."""

    backend = "docs.examples.kinds.backends.OAuth2Backend"
    capabilities = {Capability.OTHER_CREDENTIALS, Capability.GET_USER}
    issued: tuple[str, ...] = ()

    def valid_login(self, user: Any) -> Login:
        return Login(request=self.bearer(self.access_token(user, timedelta(hours=1))))

    def wrong_login(self, user: Any) -> Login:
        """The user's own token, expired."""
        return Login(request=self.bearer(self.access_token(user, timedelta(hours=-1))))

    def unknown_login(self) -> Login:
        """A token no one was issued."""
        return Login(request=self.bearer(self.new_token()))

    def credential_fields(self) -> tuple[str, ...]:
        return ()  # the token comes in a header, not in a keyword credential

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), *self.issued)  # never printed

    def new_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.issued = (*self.issued, token)
        return token

    def access_token(self, user: Any, expires_in: timedelta) -> str:
        from oauth2_provider.models import get_access_token_model

        token = self.new_token()
        expires = timezone.now() + expires_in
        get_access_token_model().objects.create(user=user, token=token, expires=expires)
        return token

    def bearer(self, token: str) -> HttpRequest:
        return RequestFactory().get("/api/", HTTP_AUTHORIZATION=f"Bearer {token}")


IDP = "https://idp.example.com/metadata"
ATTRIBUTE_MAPPING = {"uid": ("username",), "mail": ("email",)}


class AssertionContract(AuthBackendContract, PermissionBackendContract):
    """djangosaml2's view verifies the identity provider's signed assertion, then calls
    ``authenticate(request, session_info=..., attribute_mapping=..., create_unknown_user=...)``.
    The hooks pass what the view passes. The first login of a new subject creates the user
    (``SAML_CREATE_UNKNOWN_USER``, true by default)."""

    backend = "docs.examples.kinds.backends.Saml2Backend"
    capabilities = {
        Capability.OTHER_CREDENTIALS,
        Capability.CREATES_USERS,
        Capability.GET_USER,
        # A subclass of Django's ModelBackend: permissions come from Django's tables.
        Capability.USER_PERMISSIONS,
        Capability.GROUP_PERMISSIONS,
        Capability.ALL_PERMISSIONS,
    }

    def valid_login(self, user: Any) -> Login:
        return self.assertion(uid=[user.get_username()], mail=[user.email])

    def wrong_login(self, user: Any) -> Login:
        """An assertion about the user without the attribute users are looked up by."""
        return self.assertion(mail=[user.email])

    def unknown_login(self) -> Login:
        name = f"saml-subject-{secrets.token_hex(4)}"
        return self.assertion(uid=[name], mail=[f"{name}@example.com"])

    def credential_fields(self) -> tuple[str, ...]:
        # The assertion was verified before authenticate() is called, and the mapping
        # comes from settings: the user types none of these.
        return ()

    def assertion(self, **attributes: list[str]) -> Login:
        session_info = {"ava": attributes, "issuer": IDP, "name_id": None}
        return Login(
            {
                "session_info": session_info,
                "attribute_mapping": ATTRIBUTE_MAPPING,
                "create_unknown_user": True,
            }
        )


class ObjectPermissionContract(PermissionBackendContract):
    """rules' ``ObjectPermissionBackend``, with the project's rules (``project_rules.py``).

    Its ``authenticate(*args, **kwargs)`` logs no one in: declaring object permissions
    only, the contract runs no login check."""

    backend = "docs.examples.kinds.backends.ObjectPermissionBackend"
    capabilities = {Capability.OBJECT_PERMISSIONS}

    def permission_names(self) -> tuple[str, ...]:
        return ("auth.change_group", "auth.view_group")

    def permission_object(self) -> Group:
        return Group.objects.create(name=f"group-{secrets.token_hex(4)}")

    def grant_object_permission(self, user: Any, perm: str, obj: Group) -> None:
        obj.user_set.add(user)  # members get both permissions on their group


class PermissionOnlyContract(ObjectPermissionContract):
    """bridgekeeper's ``RulePermissionBackend``, with the same rules.

    Its ``authenticate(**kwargs)`` cannot take the request Django passes first: Django
    never calls it for a login, and neither does the suite."""

    backend = "docs.examples.kinds.backends.RulePermissionBackend"
