"""The docs' settings for each kind, with the kinds the docs do not show (OIDC, sesame)."""

from __future__ import annotations

from docs.examples.kinds.settings import *  # noqa: F403

ROOT_URLCONF = "tests.auth.contract.kinds.urls"

# mozilla-django-oidc reads these when a backend is made. The contract module points the
# endpoints at its provider while its checks run; without it, nothing is asked of them.
OIDC_RP_CLIENT_ID = "kinds-client"
OIDC_RP_CLIENT_SECRET = "kinds-client-secret-not-a-secret"
OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/userinfo"
OIDC_TIMEOUT = 10

# The contract module's provider redeems a code more than once, unless this says otherwise.
