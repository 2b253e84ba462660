"""Backends of each kind the suite must read right with no contract module, and their contracts.

``HeaderTokenBackend`` reads an ``Authorization: Token <key>`` header (the
``ApiToken`` table of the test app), as it ships: sync only.
``NoRequestPermissionBackend`` is a permission-only class whose
``authenticate(self, username, password)`` cannot take Django's request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest

from auth_backend_sdk import dual_mode
from auth_backend_sdk.testing import AuthBackendContract, Login
from tests.testapp.models import ApiToken


class HeaderTokenBackend:
    """Logs in whoever's token is in the ``Authorization`` header; sync only."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        if request is None:
            return None
        scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme != "Token" or not key:
            return None
        found = ApiToken.objects.select_related("user").filter(key=key).first()
        return found.user if found is not None and found.user.is_active else None

    def get_user(self, user_id: Any) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


AdaptedHeaderTokenBackend = dual_mode(HeaderTokenBackend)


class NoRequestPermissionBackend:
    """Grants ``auth.view_permission`` to active users; Django never calls its authenticate()."""

    def authenticate(self, username: str, password: str) -> None:
        return None

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return user_obj.is_active and perm == "auth.view_permission" and obj is None


AdaptedNoRequestPermissionBackend = dual_mode(NoRequestPermissionBackend)


class NeedsSettingsBackend(AdaptedHeaderTokenBackend):
    """Cannot be created without a setting the test settings do not have."""

    def __init__(self) -> None:
        raise ImproperlyConfigured("Setting TOKEN_ISSUER not found")


def token_request(key: str) -> HttpRequest:
    request = HttpRequest()
    request.META["HTTP_AUTHORIZATION"] = f"Token {key}"
    return request


class HeaderTokenHooks(AuthBackendContract):
    """The hooks a header-token backend's author writes."""

    def valid_login(self, user: Any) -> Login:
        token = ApiToken.objects.create(key=f"key-{user.pk}-{user.get_username()}", user=user)
        return Login(request=token_request(token.key))

    def wrong_login(self, user: Any) -> Login:
        return Login(request=token_request(f"wrong-{user.pk}"))

    def unknown_login(self) -> Login:
        return Login(request=token_request("nobody-has-this-key"))

    def credential_fields(self) -> tuple[str, ...]:
        return ()

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), "key-")


class TestAdaptedHeaderTokenBackend(HeaderTokenHooks):
    backend = f"{__name__}.AdaptedHeaderTokenBackend"


class TestHeaderTokenBackendAsShipped(HeaderTokenHooks):
    backend = f"{__name__}.HeaderTokenBackend"


class OwnConfigureUserBackend:
    """Both sides written by hand, and a helper of its own named like RemoteUserBackend's hook
    (as djangosaml2 has one): Django never calls it."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        return None

    def configure_user(self, user: User, attributes: dict[str, Any]) -> User:
        user.first_name = attributes.get("given_name", "")
        return user


class ReqNamedBackend(HeaderTokenBackend):
    """A first parameter named ``req``: Django passes the request to it all the same."""

    def authenticate(self, req: HttpRequest | None, **credentials: Any) -> User | None:  # type: ignore[override]
        return super().authenticate(req, **credentials)


class SamlLikeBackend(ModelBackend):
    """Logs in from a verified assertion only; its async side is still ModelBackend's."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, session_info: Any = None, **kwargs: Any
    ) -> User | None:
        if not session_info:
            return None
        return User.objects.filter(username=session_info.get("uid")).first()


AdaptedSamlLikeBackend = dual_mode(SamlLikeBackend)


class KeywordPasswordBackend:
    """Takes a username and password through ``**credentials``, as django-allauth's does."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        user = User.objects.filter(username=credentials.get("username")).first()
        if user is None or not user.check_password(credentials.get("password")):
            return None
        return user


AdaptedKeywordPasswordBackend = dual_mode(KeywordPasswordBackend)


class CaseInsensitiveBackend(ModelBackend):
    """Matches usernames in any case: a project's choice, not ModelBackend's answer."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = User.objects.filter(username__iexact=username or "").first()
        if (
            user is None
            or not user.check_password(password)
            or not self.user_can_authenticate(user)
        ):
            return None
        return user


AdaptedCaseInsensitiveBackend = dual_mode(CaseInsensitiveBackend)


class CatchAllPermissionBackend:
    """``authenticate(*args, **kwargs)`` logs nobody in; permissions come from rules of its own."""

    def authenticate(self, *args: Any, **kwargs: Any) -> None:
        return None

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return user_obj.is_active and perm == "auth.view_permission"
