"""Settings of the example site, chosen by environment variables (all optional).

``SITE_MODEL_BACKEND``
    Which ModelBackend-like backend comes first in ``AUTHENTICATION_BACKENDS``:
    ``reference`` (default: ``reference_backends.ModelBackend``), ``django``
    (``django.contrib.auth.backends.ModelBackend``) or ``dual_mode`` (a sync-only
    subclass of Django's made dual-mode by the SDK, ``examples.site.backends``).
``SITE_STACK``
    The session engine and the session, authentication and single sign-on
    middleware: ``reference`` (default: ``reference_backends.sessions`` and
    ``reference_backends.middleware``, no thread hop of their own under ASGI)
    or ``django`` (Django's own, for comparison: ``bench/http_load.py`` runs
    the site with both). The backends do not change with it.
``SITE_SESSION_ENGINE``
    The session engine of that stack: ``db`` (default), ``cache``,
    ``cached_db`` or ``signed_cookies``. ``cache`` and ``cached_db`` use the
    default cache: the server process's local memory, or Redis (below).
``SITE_REDIS_URL``
    A Redis server (``python -m tools.redisserver`` starts one): the default
    cache becomes Django's ``RedisCache`` there, shared by every worker, and
    the reference ``ModelBackend`` shares users' permissions through it
    (``REFERENCE_BACKENDS_PERMISSION_CACHE``), under a key prefix naming the
    site's database. Without it, each process has
    its local-memory cache and no permission cache.
``SITE_MIDDLEWARE``
    ``full`` (default): the site's whole middleware list. ``minimal``: only
    the session, authentication and single sign-on middleware, and the
    messages middleware the admin requires: ``bench/http_load.py`` compares
    the stacks this way too, without the middleware both stacks share
    (security, common, CSRF, clickjacking), each a thread hop or more per
    request under ASGI whichever the stack.
``SITE_SERVED_BY``
    ``1`` adds an ``X-Served-By`` header naming the process that served each
    response: the tests of several workers see which one answered.
``SITE_SESSION_COOKIE_AGE``
    ``SESSION_COOKIE_AGE`` in seconds (Django's default: two weeks); the
    tests shorten it to see sessions expire.
``SITE_MODE``
    ``test`` selects the fast MD5 password hasher; anything else keeps Django's
    default hashers (PBKDF2).
``ABS_PGHOST`` / ``ABS_PGPORT``
    Use the PostgreSQL server there (``python -m tools.pgcluster`` starts one),
    database ``SITE_PG_DATABASE`` (default ``postgres``), through Django's
    connection pool (``psycopg[pool]``), 2 to 16 connections per process. Without them: SQLite,
    in the file ``SITE_SQLITE_PATH`` (default ``examples/site/db.sqlite3``).
``SITE_DEBUG``
    ``1`` turns on ``DEBUG`` (and serves the admin's static files).
``SITE_SECRET_KEY``
    The secret key; the default is for local use only.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

from tools.pgcluster import django_database

SITE_DIR = Path(__file__).resolve().parent

MODEL_BACKENDS = {
    "reference": "reference_backends.ModelBackend",
    "django": "django.contrib.auth.backends.ModelBackend",
    "dual_mode": "examples.site.backends.TrimmedUsernameModelBackend",
}
STACKS = {
    "reference": {
        "session_engines": "reference_backends.sessions",
        "session_middleware": "reference_backends.middleware.SessionMiddleware",
        "authentication_middleware": "reference_backends.middleware.AuthenticationMiddleware",
        "single_sign_on_middleware": "examples.site.middleware.SingleSignOnMiddleware",
    },
    "django": {
        "session_engines": "django.contrib.sessions.backends",
        "session_middleware": "django.contrib.sessions.middleware.SessionMiddleware",
        "authentication_middleware": "django.contrib.auth.middleware.AuthenticationMiddleware",
        "single_sign_on_middleware": "examples.site.middleware.DjangoSingleSignOnMiddleware",
    },
}
SESSION_ENGINES = ("db", "cache", "cached_db", "signed_cookies")


def _chosen(variable: str, choices: Collection[str], default: str) -> str:
    """The value of the environment variable ``variable``, which must be one of ``choices``."""
    value = os.environ.get(variable, default)
    if value not in choices:
        raise ValueError(f"{variable} must be one of {', '.join(sorted(choices))}, not {value!r}.")
    return value


MODEL_BACKEND = _chosen("SITE_MODEL_BACKEND", MODEL_BACKENDS, "reference")
STACK = STACKS[_chosen("SITE_STACK", STACKS, "reference")]
_SESSION_ENGINE = _chosen("SITE_SESSION_ENGINE", SESSION_ENGINES, "db")
SESSION_ENGINE = f"{STACK['session_engines']}.{_SESSION_ENGINE}"
if os.environ.get("SITE_SESSION_COOKIE_AGE"):
    SESSION_COOKIE_AGE = int(os.environ["SITE_SESSION_COOKIE_AGE"])

SECRET_KEY = os.environ.get("SITE_SECRET_KEY", "example-site-for-local-use-only")
DEBUG = os.environ.get("SITE_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its system checks flag backends whose sync and async sides disagree.
    "auth_backend_sdk",
    # The permission cache's invalidation, in every process of the site.
    "reference_backends",
    "examples.site.notes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    STACK["session_middleware"],
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    STACK["authentication_middleware"],
    STACK["single_sign_on_middleware"],
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
_SHARED_BY_BOTH_STACKS = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
if _chosen("SITE_MIDDLEWARE", ("full", "minimal"), "full") == "minimal":
    MIDDLEWARE = [path for path in MIDDLEWARE if path not in _SHARED_BY_BOTH_STACKS]
if os.environ.get("SITE_SERVED_BY") == "1":
    MIDDLEWARE.insert(0, "examples.site.middleware.served_by")

AUTHENTICATION_BACKENDS = [
    MODEL_BACKENDS[MODEL_BACKEND],
    # Used by SingleSignOnMiddleware only: its signature takes remote_user, not a password.
    "reference_backends.RemoteUserBackend",
    # rules' ObjectPermissionBackend has only sync methods; dual_mode() gives it async twins.
    "examples.site.backends.ObjectPermissionBackend",
]

if os.environ.get("SITE_MODE") == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ROOT_URLCONF = "examples.site.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES: dict[str, dict[str, Any]]
if os.environ.get("ABS_PGHOST"):
    DATABASES = {
        "default": {
            **django_database(),
            "NAME": os.environ.get("SITE_PG_DATABASE", "postgres"),
            # Under ASGI each request's sync thread is new and its connection closes with the
            # request: without a pool, every request opens one (a server process forked).
            "OPTIONS": {"pool": {"min_size": 2, "max_size": 16}},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SITE_SQLITE_PATH", str(SITE_DIR / "db.sqlite3")),
            # Concurrent requests each have their own connection; WAL lets readers
            # go on while one of them writes a session.
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

if os.environ.get("SITE_REDIS_URL"):
    # Cached permissions are keyed by user id: the entries of a site on another
    # database (a test run's, say) sharing this Redis database must not answer ours.
    _database = DATABASES["default"]
    _database_name = "|".join(str(_database.get(key, "")) for key in ("HOST", "PORT", "NAME"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["SITE_REDIS_URL"],
            "KEY_PREFIX": hashlib.sha256(_database_name.encode()).hexdigest()[:12],
        }
    }
    REFERENCE_BACKENDS_PERMISSION_CACHE = "default"

STATIC_URL = "static/"

# Tracebacks of failed requests go to the server's stderr, DEBUG or not.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
