"""A user's permissions cached across requests and workers: ``REFERENCE_BACKENDS_PERMISSION_CACHE``.

Django caches a user's permissions on the user object, which lives for one
request. With this setting naming a cache alias, ``reference_backends.ModelBackend``
also keeps them in that cache, where every worker sharing it finds them: a
permission check on a fresh user object then makes no database query (and, on
a ``RedisCache`` alias in async code, no thread hop: :mod:`._redis`).

Correctness first. Three kinds of keys:

* the **generation**, one for the whole cache: a random token replaced when a
  change may affect any user (a group's permissions, a permission or group
  saved or deleted, a group's members changed from the group's side);
* a **version** per user, a random token replaced when that user's own
  relations change (``user.groups``, ``user.user_permissions``) or the user is
  saved or deleted;
* the **entry** per user: their user and group permission sets, tagged with
  the generation and version read *before* the database was queried, and with
  ``is_superuser`` as it was then.

A check reads the three in one round trip and uses the entry only if its tags
equal the current tokens and the user object's ``is_superuser``. Tokens are
replaced once the transaction commits (``transaction.on_commit``), after the
database holds the change: a worker that queried before the commit wrote its
entry under the old tokens, which no check accepts any more. A token missing
(evicted, expired, never set) is set to a fresh random value, never reused, so
an entry older than the eviction cannot come back to life.

Not seen: changes that bypass Django's signals (``QuerySet.update()``,
``bulk_create()`` of through rows, raw SQL). Entries live
``REFERENCE_BACKENDS_PERMISSION_CACHE_TIMEOUT`` seconds (default 300), which
bounds how stale they can be; ``manage.py clear_permission_cache`` makes
every entry stale at once. The setting requires ``reference_backends`` in
``INSTALLED_APPS``: its ``ready()`` imports this module, so that every process
of the site (the admin's, a shell's, a task queue's) connects the receivers.

A cache that fails or times out never decides a check: the check goes to the
database, as without the setting, and the failure is logged once (again
after the cache has answered in between). An entry that is not exactly what
this module writes counts as missing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from functools import partial
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from auth_backend_sdk.engine.flow import Awaited, EachMode, Flow, InOrmThread

from ._redis import AsyncRedisCache, async_twin

__all__ = [
    "CACHE_SETTING",
    "TIMEOUT_SETTING",
    "SharedPermissions",
    "clear_all",
    "shared_permissions",
]

CACHE_SETTING = "REFERENCE_BACKENDS_PERMISSION_CACHE"
TIMEOUT_SETTING = "REFERENCE_BACKENDS_PERMISSION_CACHE_TIMEOUT"
DEFAULT_TIMEOUT = 300

_PREFIX = "reference_backends.permissions"
_GENERATION = f"{_PREFIX}.generation"
_FORMAT = 1  # changes whenever the entry's shape does: older entries then count as missing
_SAFE_PK = re.compile(r"[A-Za-z0-9_.-]{1,64}")

logger = logging.getLogger("reference_backends.permissions")


class _Tokens(NamedTuple):
    generation: str
    version: str


class SharedPermissions:
    """The permission cache on one alias: the effects a backend's flow yields, and their rules."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self._asyncio_twin: AsyncRedisCache | None = async_twin(alias)

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]

    def timeout(self) -> int:
        return int(getattr(settings, TIMEOUT_SETTING, DEFAULT_TIMEOUT))

    @property
    def native_in_async(self) -> bool:
        """Whether async code reaches the cache on the loop (a ``RedisCache`` alias)."""
        return self._asyncio_twin is not None

    def permissions(self, user: Any, load: InOrmThread) -> Flow[dict[str, set[str]]]:
        """The user's ``{"user": ..., "group": ...}`` permissions: from the cache if it holds
        them for the current tokens, else ``load`` (an ORM step) and the entry written."""
        keys = _keys(user.pk)
        try:
            found: dict[str, Any] = yield self._call("get_many", list(keys))
            tokens = _tokens_in(found, keys)
            if tokens is not None:
                cached = _usable_entry(found.get(keys.entry), tokens, user)
                if cached is not None:
                    _answering_again(self.alias)
                    return cached
            else:
                tokens = yield from self._set_missing_tokens(found, keys)
        except Exception as error:
            _failing(self.alias, error)
            loaded: dict[str, set[str]] = yield load
            return loaded
        _answering_again(self.alias)
        loaded = yield load
        entry = (_FORMAT, *tokens, bool(user.is_superuser), *_frozen(loaded))
        try:
            yield self._call("set", keys.entry, entry, self.timeout())
        except Exception as error:
            _failing(self.alias, error)
        return loaded

    def _set_missing_tokens(self, found: dict[str, Any], keys: _Keys) -> Flow[_Tokens]:
        """Fresh tokens where they are missing; whichever a concurrent writer set first wins."""
        for key in (keys.generation, keys.version):
            if not isinstance(found.get(key), str):
                yield self._call("add", key, _new_token(), None)
        again: dict[str, Any] = yield self._call("get_many", [keys.generation, keys.version])
        tokens = _tokens_in(again, keys)
        if tokens is None:  # evicted at once, or not a cache that keeps anything
            raise _Unusable("the permission cache keeps no tokens")
        return tokens

    def _call(self, name: str, *args: Any) -> InOrmThread | EachMode:
        """The alias's method ``name``; in async code on Redis, its asyncio twin's."""
        in_sync_code = InOrmThread(getattr(self.cache, name), args)
        if self._asyncio_twin is None:
            return in_sync_code
        return EachMode(in_sync_code, Awaited(getattr(self._asyncio_twin, name), args))


class _Unusable(Exception):
    """The cache cannot hold tokens: the check goes to the database."""


class _Keys(NamedTuple):
    generation: str
    version: str
    entry: str


def _keys(pk: Any) -> _Keys:
    text = str(pk)
    if not _SAFE_PK.fullmatch(text):
        # Keys must suit every cache backend (memcached refuses spaces and control
        # characters): a primary key of another shape is hashed.
        text = "h" + hashlib.sha256(repr(pk).encode()).hexdigest()
    return _Keys(_GENERATION, f"{_PREFIX}.user.{text}.version", f"{_PREFIX}.user.{text}")


def _tokens_in(found: dict[str, Any], keys: _Keys) -> _Tokens | None:
    generation, version = found.get(keys.generation), found.get(keys.version)
    if isinstance(generation, str) and isinstance(version, str):
        return _Tokens(generation, version)
    return None


def _usable_entry(entry: object, tokens: _Tokens, user: Any) -> dict[str, set[str]] | None:
    """The entry's permissions if it is exactly what this module writes, for these tokens."""
    if not (isinstance(entry, tuple) and len(entry) == 6):
        return None
    entry_format, generation, version, is_superuser, user_perms, group_perms = entry
    if (entry_format, generation, version) != (_FORMAT, *tokens):
        return None
    if is_superuser is not bool(user.is_superuser):
        return None  # the flag changed since: what a superuser gets is all permissions
    if not all(_is_set_of_strings(perms) for perms in (user_perms, group_perms)):
        return None
    return {"user": set(user_perms), "group": set(group_perms)}


def _is_set_of_strings(value: object) -> bool:
    return isinstance(value, frozenset) and all(isinstance(item, str) for item in value)


def _frozen(loaded: dict[str, set[str]]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(loaded["user"]), frozenset(loaded["group"])


def _new_token() -> str:
    return secrets.token_hex(8)


# The setting, read once per alias.

_instances: dict[str, SharedPermissions] = {}


def shared_permissions() -> SharedPermissions | None:
    """The permission cache the settings configure, or None."""
    alias = getattr(settings, CACHE_SETTING, None)
    if not alias:
        return None
    instance = _instances.get(alias)
    if instance is None:
        if not apps.is_installed("reference_backends"):
            raise ImproperlyConfigured(
                f"{CACHE_SETTING} needs 'reference_backends' in INSTALLED_APPS: the app "
                "connects, in every process of the site, the receivers that tell the cache "
                "of permission changes."
            )
        instance = _instances[alias] = SharedPermissions(alias)
    return instance


def _forget_instances(*, setting: str, **_: Any) -> None:
    if setting in (CACHE_SETTING, "CACHES"):
        _instances.clear()
        _failing_aliases.clear()  # another cache now: its first failure is news


setting_changed.connect(_forget_instances, dispatch_uid="reference_backends.permissions.settings")


# Failures: logged once, until the cache answers again.

_failing_aliases: set[str] = set()
_failing_lock = threading.Lock()


def _failing(alias: str, error: Exception) -> None:
    with _failing_lock:
        first = alias not in _failing_aliases
        _failing_aliases.add(alias)
    if first:
        # The exception's class only: its message may name a server and its credentials.
        logger.warning(
            "The permission cache %r failed (%s): permissions are checked in the database "
            "until it answers again.",
            alias,
            type(error).__name__,
        )


def _answering_again(alias: str) -> None:
    if alias in _failing_aliases:
        with _failing_lock:
            _failing_aliases.discard(alias)
        logger.info("The permission cache %r answers again.", alias)


# Invalidation: tokens replaced once the change is committed.


def clear_all() -> bool:
    """Make every entry of the permission cache stale (the generation replaced), now.

    False if the cache did not answer (logged), or none is configured.
    """
    shared = shared_permissions()
    return shared is not None and _replace(shared, _GENERATION)


def _replace(shared: SharedPermissions, key: str) -> bool:
    try:
        shared.cache.set(key, _new_token(), None)
        return True
    except Exception as error:
        # Nothing else can tell the other workers: the entries stay until they expire.
        logger.error(
            "The permission cache %r could not be told of a permission change (%s): entries "
            "may be stale for up to %s seconds.",
            shared.alias,
            type(error).__name__,
            shared.timeout(),
        )
        return False


def _after_commit(using: str | None, key: str) -> None:
    shared = shared_permissions()
    if shared is not None:
        transaction.on_commit(partial(_replace, shared, key), using=using)


def _user_changed(pk: Any, using: str | None) -> None:
    _after_commit(using, _keys(pk).version)


def _everyone_changed(using: str | None) -> None:
    _after_commit(using, _GENERATION)


_M2M_DONE = frozenset({"post_add", "post_remove", "post_clear"})


def _on_m2m_changed(
    sender: type,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    using: str,
    **_: Any,
) -> None:
    if action not in _M2M_DONE:
        return
    user_model = get_user_model()
    if sender is Group.permissions.through:
        _everyone_changed(using)
    elif sender in _user_relations(user_model):
        if not reverse:  # user.groups / user.user_permissions: that user only
            _user_changed(instance.pk, using)
        elif pk_set:  # group.user_set.add(...) and the like: the users named
            for pk in pk_set:
                _user_changed(pk, using)
        else:  # a clear() from the group's or permission's side: who was in it is gone
            _everyone_changed(using)


def _user_relations(user_model: type) -> tuple[type, ...]:
    relations = []
    for name in ("groups", "user_permissions"):
        descriptor = getattr(user_model, name, None)
        through = getattr(descriptor, "through", None)
        if through is not None:
            relations.append(through)
    return tuple(relations)


def _on_user_saved(instance: Any, using: str, update_fields: Any = None, **_: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login: nothing an entry depends on
    _user_changed(instance.pk, using)


def _on_user_deleted(instance: Any, using: str, **_: Any) -> None:
    _user_changed(instance.pk, using)


def _on_what_anyone_may_hold_changed(
    sender: type, using: str, created: bool = False, **_: Any
) -> None:
    if sender is Group and created:
        return  # a new group: no one is in it, it grants nothing yet
    _everyone_changed(using)


def _on_any_post_save(sender: type, **kwargs: Any) -> None:
    # Any user model: the sender is compared here, as the model may be swapped.
    if sender is get_user_model():
        _on_user_saved(**kwargs)


def _on_any_post_delete(sender: type, **kwargs: Any) -> None:
    if sender is get_user_model():
        _on_user_deleted(**kwargs)


m2m_changed.connect(_on_m2m_changed, dispatch_uid="reference_backends.permissions.m2m")
# A content type's app label is part of every permission string of its model.
for _model in (Permission, Group, ContentType):
    for _name, _signal in (("saved", post_save), ("deleted", post_delete)):
        _signal.connect(
            _on_what_anyone_may_hold_changed,
            sender=_model,
            dispatch_uid=f"reference_backends.permissions.{_model.__name__}.{_name}",
        )
post_save.connect(_on_any_post_save, dispatch_uid="reference_backends.permissions.user_saved")
post_delete.connect(_on_any_post_delete, dispatch_uid="reference_backends.permissions.user_deleted")
