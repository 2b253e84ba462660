"""Session engines, drop-in for Django's: values for ``SESSION_ENGINE``.

    SESSION_ENGINE = "reference_backends.sessions.db"

``db``, ``cache``, ``cached_db`` and ``signed_cookies`` store sessions exactly
as Django's engines of the same name do (same table, cache keys, salt and
format): sessions written by one are read by the other, both ways, so you can
switch in either direction without logging anyone out.

What differs is the async side. Each method that reaches the store
(``aload``, ``asave``, ``acreate``, ``acycle_key``, ``aflush``, ...) costs one
thread hop, the floor with Django's sync ORM and caches, where Django's take
up to four; ``signed_cookies`` never leaves the event loop. The sync side is
Django's own code, the one source of truth for both modes, and an override of
either side in a subclass is honoured in both (see
:class:`~auth_backend_sdk.sessions.DualModeSessionMixin`).

Pair them with :mod:`reference_backends.middleware`, whose session middleware
costs no thread hop of its own under ASGI.
"""
