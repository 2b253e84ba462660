"""Settings for the reference stack: session engine, middleware and backend (tested in tests/)."""

from __future__ import annotations

SESSION_ENGINE = "reference_backends.sessions.db"  # or .cache, .cached_db, .signed_cookies

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reference_backends.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "reference_backends.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

AUTHENTICATION_BACKENDS = ["reference_backends.ModelBackend"]
