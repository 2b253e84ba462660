"""Contract classes for each kind, bound to the classes as shipped (and adapted, for two).

``check --contract tests.auth.contract.kinds.contracts`` picks, for each backend it
checks, the class here that names it. The docs' contracts
(``docs/examples/kinds/contracts.py``) name the adapted backends; here the same
contracts name the classes as shipped. The two kinds the
docs do not show, OpenID Connect and a token credential, are written here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any

from django.conf import settings
from django.test import RequestFactory, override_settings

from auth_backend_sdk.testing import (
    AuthBackendContract,
    Capability,
    Login,
    PermissionBackendContract,
)
from docs.examples.kinds.contracts import (
    AssertionContract,
    HeaderTokenContract,
    ObjectPermissionContract,
    PermissionOnlyContract,
)

from .oidc_provider import Provider

EXAMPLES = 10
"""Generated inputs per parity check: fewer than the default, to keep the runs short."""

# -- the docs' contracts, on the classes as shipped --------------------------------


class OAuth2Shipped(HeaderTokenContract):
    backend = "oauth2_provider.backends.OAuth2Backend"
    hypothesis_examples = EXAMPLES


class Saml2Shipped(AssertionContract):
    backend = "djangosaml2.backends.Saml2Backend"
    hypothesis_examples = EXAMPLES


class RulesShipped(ObjectPermissionContract):
    backend = "rules.permissions.ObjectPermissionBackend"
    hypothesis_examples = EXAMPLES


class BridgekeeperShipped(PermissionOnlyContract):
    backend = "bridgekeeper.backends.RulePermissionBackend"
    hypothesis_examples = EXAMPLES


# -- OpenID Connect: mozilla-django-oidc ---------------------------------------------

_provider: Provider | None = None


def provider() -> Provider:
    """The provider of this process, started on first use; it redeems each code once."""
    global _provider
    if _provider is None:
        _provider = Provider(setting("OIDC_RP_CLIENT_ID"), setting("OIDC_RP_CLIENT_SECRET")).start()
    return _provider


def setting(name: str) -> Any:
    """A setting of ``kinds/settings.py`` (not of the type checker's settings)."""
    return getattr(settings, name)


REFUSED_CODE = (
    "mozilla-django-oidc lets requests.HTTPError through when the provider refuses the code "
    "(its callback view too: the login ends in a server error, not a failed login)"
)


class OIDCContract(AuthBackendContract, PermissionBackendContract):
    """The backend reads ``code`` and ``state`` from the callback's query string, and the
    ``nonce`` the callback view takes from the session; it redeems the code at the
    provider's token endpoint and reads the user's e-mail from its userinfo endpoint.
    Unknown e-mail addresses get a new user (``OIDC_CREATE_USER``, true by default)."""

    capabilities = {
        Capability.OTHER_CREDENTIALS,
        Capability.CREATES_USERS,
        Capability.GET_USER,
        Capability.USER_PERMISSIONS,
        Capability.GROUP_PERMISSIONS,
        Capability.ALL_PERMISSIONS,
    }
    hypothesis_examples = EXAMPLES
    expected_failures = {
        "test_wrong_credentials_give_none_sync": REFUSED_CODE,
        "test_wrong_credentials_give_none_async": REFUSED_CODE,
    }
    codes: tuple[str, ...] = ()

    @contextmanager
    def checking(self) -> Iterator[None]:
        url = provider().url
        endpoints = override_settings(
            OIDC_OP_TOKEN_ENDPOINT=f"{url}/token", OIDC_OP_USER_ENDPOINT=f"{url}/userinfo"
        )
        with super().checking(), endpoints:
            yield

    def valid_login(self, user: Any) -> Login:
        return self.callback({"email": user.email, "sub": str(user.pk)})

    def wrong_login(self, user: Any) -> Login:
        """The user's own code, which the provider refuses: it saw the code replayed."""
        login = self.callback({"email": user.email, "sub": str(user.pk)})
        provider().revoke(login.request.GET["code"])  # type: ignore[union-attr]
        return login

    def unknown_login(self) -> Login:
        email = f"oidc-{secrets.token_hex(4)}@example.com"
        return self.callback({"email": email, "sub": email})

    def repeat_login(self, login: Login) -> Login:
        """A new code for the same identity: a provider redeems each code once."""
        claims, refused = provider().grant_of(login.request.GET["code"])  # type: ignore[union-attr]
        again = self.callback(claims)
        if refused:
            provider().revoke(again.request.GET["code"])  # type: ignore[union-attr]
        return again

    def credential_fields(self) -> tuple[str, ...]:
        return ()  # the code comes in the query string; the nonce, from the session

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), *self.codes, setting("OIDC_RP_CLIENT_SECRET"))

    def callback(self, claims: dict[str, Any]) -> Login:
        """The request the provider redirects the browser to, once the user logged in there."""
        nonce = secrets.token_urlsafe(12)
        code = provider().authorize(claims, nonce)
        self.codes = (*self.codes, code)
        state = secrets.token_urlsafe(12)
        request = RequestFactory().get("/oidc/callback/", {"code": code, "state": state})
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        return Login({"nonce": nonce}, request)


class OIDCShipped(OIDCContract):
    backend = "mozilla_django_oidc.auth.OIDCAuthenticationBackend"


class OIDCAdapted(OIDCContract):
    backend = "tests.auth.contract.kinds.backends.OIDCAuthenticationBackend"


# -- A token credential: django-sesame -----------------------------------------------


NOT_A_STRING = (
    "django-sesame raises TypeError for a token that is not a string (an int, bytes, a list, "
    "a dict); its token comes from the query string, where it is always one"
)


class SesameContract(AuthBackendContract, PermissionBackendContract):
    """``authenticate(request, sesame=token)``: the token of a magic link, which the user
    brings in the URL (so the bad-input check feeds it). Capabilities are inferred."""

    hypothesis_examples = EXAMPLES
    expected_failures = {
        "test_bad_credentials_are_refused_quietly_sync": NOT_A_STRING,
        "test_bad_credentials_are_refused_quietly_async": NOT_A_STRING,
    }
    tokens: tuple[str, ...] = ()

    def user_credentials(self, user: Any) -> dict[str, Any]:
        return {"sesame": self.token(user)}

    def wrong_credentials(self, user: Any) -> dict[str, Any]:
        """The user's token with its signature changed."""
        token = self.token(user)
        return {"sesame": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")}

    def unknown_credentials(self) -> dict[str, Any]:
        """The token of a user deleted since."""
        gone = self.create_user()
        token = self.token(gone)
        gone.delete()
        return {"sesame": token}

    def credential_fields(self) -> tuple[str, ...]:
        return ("sesame",)

    def secrets(self) -> tuple[str, ...]:
        return (*super().secrets(), *self.tokens)

    def token(self, user: Any) -> str:
        from sesame.utils import get_token

        token: str = get_token(user)
        self.tokens = (*self.tokens, token)
        return token


class SesameShipped(SesameContract):
    backend = "sesame.backends.ModelBackend"


class SesameAdapted(SesameContract):
    backend = "tests.auth.contract.kinds.backends.SesameBackend"
