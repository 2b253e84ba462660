"""The Django settings the documentation's examples run with (``docs/conf.py`` loads them)."""

from __future__ import annotations

SECRET_KEY = "auth-backend-sdk-docs-not-a-secret"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "auth_backend_sdk",  # manage.py check flags hazardous AUTHENTICATION_BACKENDS
]

AUTHENTICATION_BACKENDS = [
    "reference_backends.ModelBackend",
    "docs.examples.auth_backends.ObjectPermissionBackend",
]

# Optional: how many ORM steps of the reference backends run at once per event
# loop. The default, the number of usable cores, suits most sites.
REFERENCE_BACKENDS_ORM_CONCURRENCY = 2

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # In memory, with a shared cache: the examples' async calls reach the
        # database from asgiref's worker threads, which must see the same tables.
        "NAME": "file:auth-backend-sdk-docs?mode=memory&cache=shared",
    }
}

# The examples log users in dozens of times; the default hasher takes about a
# second per login on a small machine.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
