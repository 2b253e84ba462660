"""Settings for several workers sharing Redis (tested in tests/reference/)."""

from __future__ import annotations

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis.internal:6379/0",
        "KEY_PREFIX": "shop",  # one per site database sharing this Redis database
    },
}
SESSION_ENGINE = "reference_backends.sessions.cache"  # sessions in Redis
REFERENCE_BACKENDS_PERMISSION_CACHE = "default"  # permissions shared by every worker
REFERENCE_BACKENDS_PERMISSION_CACHE_TIMEOUT = 300  # seconds an entry lives (the default)

# Required with the permission cache: the app connects the receivers that invalidate it in
# every process of the site (the admin's, a shell's, a task queue's), and adds
# manage.py clear_permission_cache and the system checks of these settings.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "reference_backends",
]
AUTHENTICATION_BACKENDS = ["reference_backends.ModelBackend"]
MIDDLEWARE = [
    "reference_backends.middleware.SessionMiddleware",
    "reference_backends.middleware.AuthenticationMiddleware",
]
