"""Settings for the test suite.

``ABS_TEST_DATABASE=postgresql`` selects the throwaway PostgreSQL cluster that
``tools/pgcluster.py`` starts (its socket directory and port come in
``ABS_PGHOST`` and ``ABS_PGPORT``); anything else selects SQLite.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

from tools.pgcluster import django_database

SECRET_KEY = "auth-backend-sdk-tests-not-a-secret"
DEBUG = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "guardian",
    # Real third-party session stores (tests/sessions/): each has its own Session model.
    "qsessions",
    "user_sessions",
    "auth_backend_sdk",
    # No models: installed for its command, clear_permission_cache.
    "reference_backends",
    "tests.testapp",
]

# Both third-party Session models name their user foreign key's reverse accessor
# `session_set`; no test reaches a session through the user.
SILENCED_SYSTEM_CHECKS = ["fields.E304"]
# django-user-sessions 2.0 imports pkg_resources, which warns on import.
warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Fast hashing keeps the suite quick; the default PBKDF2 hasher is measured in bench/.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASES: dict[str, dict[str, Any]]
if os.environ.get("ABS_TEST_DATABASE") == "postgresql":
    DATABASES = {"default": django_database()}
else:
    # A file, not ":memory:": concurrency tests need several real connections.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "abs-tests.sqlite3"),
            "OPTIONS": {"timeout": 60},
            "TEST": {
                "NAME": os.path.join(tempfile.gettempdir(), f"abs-test-{os.getpid()}.sqlite3")
            },
        }
    }

ROOT_URLCONF = "tests.urls"
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False
