"""The session-store contract, applied to Django's five engines as shipped and adapted.

As shipped, each fails the subclass checks its async methods bypass (strict
expected failures: a fix in Django fails the test as an unexpected success,
and the entry must go). Adapted with ``dual_mode()``, they pass them: what
stays expected is Django's own behaviour, the same in both modes
(``engines.djangos_own``). Two styles on purpose, as for the backends:
Django ``TestCase`` classes (which Django's own runner runs too) and plain
pytest classes (database access from the plugin).
"""

from __future__ import annotations

from django.test import TestCase

from tests.sessions.contract.engines import ADAPTED, EngineContract, as_shipped, djangos_own

# -- as shipped ---------------------------------------------------------------------------


class TestDjangoDbStore(EngineContract, TestCase):
    session_store = "django.contrib.sessions.backends.db"
    expected_failures = as_shipped("db")


class TestDjangoCacheStore(EngineContract):
    session_store = "django.contrib.sessions.backends.cache"
    expected_failures = as_shipped("cache")


class TestDjangoCachedDbStore(EngineContract, TestCase):
    session_store = "django.contrib.sessions.backends.cached_db"
    expected_failures = as_shipped("cached_db")


class TestDjangoFileStore(EngineContract):
    session_store = "django.contrib.sessions.backends.file"
    expected_failures = as_shipped("file")


class TestDjangoSignedCookiesStore(EngineContract, TestCase):
    session_store = "django.contrib.sessions.backends.signed_cookies"
    expected_failures = as_shipped("signed_cookies")


# -- adapted with dual_mode() ---------------------------------------------------------------


class TestAdaptedDbStore(EngineContract):
    session_store = ADAPTED["db"]
    expected_failures = djangos_own("db")


class TestAdaptedCacheStore(EngineContract, TestCase):
    session_store = ADAPTED["cache"]
    expected_failures = djangos_own("cache")


class TestAdaptedCachedDbStore(EngineContract):
    session_store = ADAPTED["cached_db"]
    expected_failures = djangos_own("cached_db")


class TestAdaptedFileStore(EngineContract, TestCase):
    session_store = ADAPTED["file"]
    expected_failures = djangos_own("file")


class TestAdaptedSignedCookiesStore(EngineContract):
    session_store = ADAPTED["signed_cookies"]
    expected_failures = djangos_own("signed_cookies")
