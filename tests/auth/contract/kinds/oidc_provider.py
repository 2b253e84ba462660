"""A small OpenID provider on 127.0.0.1, for mozilla-django-oidc's backend to talk to.

The stub sits at the HTTP boundary only: the backend sends its real requests (``requests``,
over a real socket) to a real HTTP server running in a thread of the test process. It
serves the two endpoints the authorization-code flow needs after the user's browser
comes back with a code:

* ``POST /token``: a code it issued (to this client, once) for an access token and an
  ID token signed with the client secret (HS256, mozilla-django-oidc's default);
* ``GET /userinfo``: the claims of the user an access token was issued for.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt

__all__ = ["Provider"]


@dataclass
class _Grant:
    claims: dict[str, Any]
    nonce: str | None
    redeemed: bool = False
    revoked: bool = False


@dataclass
class Provider:
    """The provider; :meth:`start` serves it on a free port until the process ends."""

    client_id: str
    client_secret: str
    grants: dict[str, _Grant] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""
    served: int = 0
    """How many requests the endpoints served (a test that logs in must see some)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Provider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                self.answer(*provider.token({k: v[0] for k, v in form.items()}))

            def do_GET(self) -> None:
                if self.path != "/userinfo":
                    self.answer(404, {"error": "not_found"})
                    return
                self.answer(*provider.userinfo(self.headers.get("Authorization", "")))

            def answer(self, status: int, body: Mapping[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the check command prints the verdict, not an access log

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        return self

    # -- what the user's browser would bring back ---------------------------------

    def authorize(self, claims: dict[str, Any], nonce: str | None) -> str:
        """The code the provider redirects the browser back with, once the user logged in."""
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.grants[code] = _Grant(dict(claims), nonce)
        return code

    def revoke(self, code: str) -> None:
        """Refuse ``code`` from now on, as a provider does once it saw the code replayed."""
        with self._lock:
            self.grants[code].revoked = True

    def grant_of(self, code: str) -> tuple[dict[str, Any], bool]:
        """The claims ``code`` was issued for, and whether it is refused."""
        with self._lock:
            grant = self.grants[code]
            return dict(grant.claims), grant.revoked

    # -- the endpoints --------------------------------------------------------------

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.served += 1
            client = (form.get("client_id"), form.get("client_secret"))
            if client != (self.client_id, self.client_secret):
                return 401, {"error": "invalid_client"}
            grant = self.grants.get(form.get("code", ""))
            if form.get("grant_type") != "authorization_code" or grant is None:
                return 400, {"error": "invalid_grant"}
            if grant.revoked or grant.redeemed:  # RFC 6749 (4.1.2): a code is used once
                return 400, {"error": "invalid_grant", "error_description": "code already used"}
            grant.redeemed = True
            access_token = secrets.token_urlsafe(24)
            self.access_tokens[access_token] = grant.claims
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.url,
                "aud": self.client_id,
                "sub": grant.claims.get("sub", grant.claims.get("email", "")),
                "iat": now,
                "exp": now + 300,
                "nonce": grant.nonce,
            },
            self.client_secret,
            algorithm="HS256",
        )
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.served += 1
            scheme, _, token = authorization.partition(" ")
            claims = self.access_tokens.get(token) if scheme == "Bearer" else None
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims
