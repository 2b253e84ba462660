"""Settings of a project with the packages of ``docs/howto/contracts_for_each_kind.md``.

The test suite's settings (SQLite, or PostgreSQL when ``ABS_TEST_DATABASE`` says so), with
the apps these packages need.
"""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, INSTALLED_APPS

# django-oauth-toolkit keeps its access tokens in tables of its own.
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]

AUTHENTICATION_BACKENDS = [
    "reference_backends.ModelBackend",
    "docs.examples.kinds.backends.OAuth2Backend",
    "docs.examples.kinds.backends.Saml2Backend",
    "docs.examples.kinds.backends.ObjectPermissionBackend",
    "docs.examples.kinds.backends.RulePermissionBackend",
]

# The check command creates its own test database: on PostgreSQL, under a name of its own,
# away from that of a test run that starts it.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES = {"default": {**DATABASES["default"], "TEST": {"NAME": f"test_kinds_{os.getpid()}"}}}
