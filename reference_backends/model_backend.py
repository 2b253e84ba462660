"""``ModelBackend``: Django's, with a native async side that never blocks the loop.

Every method is written once, as a flow (see :mod:`auth_backend_sdk.engine.flow`),
and runs in either mode. In async mode:

* ``aauthenticate`` costs two thread hops (one query, one hash), three when
  an outdated password hash is upgraded; the hash runs in a dedicated pool,
  never on the event loop, on Django 5.2 too;
* ``aget_user`` costs one hop, and loads the user's permissions in the same
  hop (see ``load_permissions_with_user``), so that ``await request.auser()``
  and a permission check cost one hop together;
* ``aget_all_permissions``, ``ahas_perm`` and ``ahas_module_perms`` cost one
  hop with cold caches (user and group permissions in one query) and none
  with warm ones. The caches (``_user_perm_cache``, ``_group_perm_cache``,
  ``_perm_cache``) are Django's own, shared by both modes.

Overrides are honoured wherever Django's own code would honour them: a
subclass overriding ``get_user_permissions`` (either side) is called by
``get_all_permissions`` in both modes, and a hook that queries the database
(``user_can_authenticate``, ``_get_user_permissions``, ...) runs in the ORM's
thread instead of on the loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from types import FunctionType
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, cast

from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission, PermissionsMixin
from django.db.models import Model, QuerySet, Value
from django.views.decorators.debug import sensitive_variables

from auth_backend_sdk import DualModeMixin
from auth_backend_sdk.auth.family import AUTHENTICATION
from auth_backend_sdk.engine.flow import (
    Awaited,
    EachMode,
    Flow,
    InHashingPool,
    InOrmThread,
    Twin,
    run_async,
    run_sync,
)

from ._credentials import Secret, password_check_of_model, usable_text, verify_password_for
from ._permission_changes import changes_so_far
from ._permission_sql import load_permissions
from ._shared_permissions import SharedPermissions, shared_permissions

_pair = AUTHENTICATION.pair

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["AllowAllUsersModelBackend", "ModelBackend"]

_AnyUser = AbstractBaseUser | AnonymousUser
_PERMISSION_SOURCES = ("user", "group")
_SNAPSHOT = "_reference_backends_permissions"


class _Snapshot(NamedTuple):
    """A user's permissions, loaded with the user, before any check asked for them.

    Kept apart from Django's caches, where another backend of the list would
    read them as its own, and used by the first check only while no permission
    changed since (:mod:`._permission_changes`): so the check answers what
    Django's, loading at that moment, would answer.
    """

    taken_at: int
    backend: type
    permissions: dict[str, set[str]]


_PERMISSION_HOOKS = (
    "get_all_permissions",
    "get_user_permissions",
    "get_group_permissions",
    "_get_permissions",
    "_get_user_permissions",
    "_get_group_permissions",
)


class ModelBackend(DualModeMixin, django_backends.ModelBackend):
    """Authenticates against ``settings.AUTH_USER_MODEL``, natively in both modes."""

    runs_hooks_off_the_loop: ClassVar[bool] = True
    """Overridden sync hooks run in the ORM's thread: system check W009 stays quiet."""

    load_permissions_with_user: ClassVar[bool] = True
    """Whether ``aget_user()`` also loads the user's permissions, in the same thread hop.

    ``await request.auser()`` followed by a permission check then costs one hop
    instead of two, at the cost of one query for requests that check none.
    The first check uses what was loaded only if no permission changed since,
    as far as Django's ORM signals say (any user's or group's permissions, a
    user's groups, a permission or group saved or deleted, in this process);
    otherwise it queries, as Django's backend does at the first check. Not
    done for superusers (``has_perm()`` answers them without a backend),
    inactive users, user models without Django's permission fields, subclasses
    overriding a permission method, or in sync mode, where a query costs no
    hop. Set to False to load permissions only when first checked.
    """

    shares_permission_cache: ClassVar[bool | None] = None
    """Whether user and group permissions go through ``REFERENCE_BACKENDS_PERMISSION_CACHE``.

    None (the default): when that setting names a cache and this class's
    ``_get_user_permissions()`` and ``_get_group_permissions()`` are Django's
    own. True: also with overrides of those, which then must depend on nothing
    but what the cache's invalidation follows (a user's groups and permissions,
    groups' permissions, permissions, groups and content types, the user
    saved). False: never. See ``docs/howto/several_workers_on_redis.md``.
    """

    @sensitive_variables("password")
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        """The user whose ``USERNAME_FIELD`` is ``username``, if the password matches.

        ``None`` for anything else: a user ``user_can_authenticate()`` refuses,
        malformed values, a missing credential. An unknown username costs a
        hash too, as in Django, so response times do not tell who exists.
        """
        return run_sync(self._authenticate(username, _seal(password), kwargs))

    @sensitive_variables("password")
    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        """See authenticate()."""
        return await run_async(self._authenticate(username, _seal(password), kwargs))

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:  # type: ignore[override]
        """The user with primary key ``user_id``, if ``user_can_authenticate()`` allows them."""
        return run_sync(self._get_user(user_id))

    async def aget_user(self, user_id: Any) -> AbstractBaseUser | None:  # type: ignore[override]
        """See get_user()."""
        return await run_async(self._get_user(user_id))

    def get_user_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        """The permission strings ``user_obj`` has from their ``user_permissions``."""
        return run_sync(self._permissions(user_obj, obj, "user"))

    async def aget_user_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        """See get_user_permissions()."""
        return await run_async(self._permissions(user_obj, obj, "user"))

    def get_group_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        """The permission strings ``user_obj`` has from the groups they belong to."""
        return run_sync(self._permissions(user_obj, obj, "group"))

    async def aget_group_permissions(
        self, user_obj: _AnyUser, obj: Model | None = None
    ) -> set[str]:
        """See get_group_permissions()."""
        return await run_async(self._permissions(user_obj, obj, "group"))

    def get_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        """User and group permission strings of an active user, cached on ``user_obj``."""
        return run_sync(self._all_permissions(user_obj, obj))

    async def aget_all_permissions(self, user_obj: _AnyUser, obj: Model | None = None) -> set[str]:
        """See get_all_permissions()."""
        return await run_async(self._all_permissions(user_obj, obj))

    def has_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        """Whether an active ``user_obj`` holds ``perm`` (``"app_label.codename"``)."""
        return run_sync(self._has_perm(user_obj, perm, obj))

    async def ahas_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None = None) -> bool:
        """See has_perm()."""
        return await run_async(self._has_perm(user_obj, perm, obj))

    def has_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        """Whether ``user_obj`` has any permission in the app ``app_label``."""
        return run_sync(self._has_module_perms(user_obj, app_label))

    async def ahas_module_perms(self, user_obj: _AnyUser, app_label: str) -> bool:
        """See has_module_perms()."""
        return await run_async(self._has_module_perms(user_obj, app_label))

    # Flows: each behaviour once, for both modes.

    def _authenticate(
        self, username: object, password: Secret | None, credentials: dict[str, Any]
    ) -> Flow[AbstractBaseUser | None]:
        user_model = get_user_model()
        if username is None:
            username = credentials.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        cleaned = usable_text(username)
        if cleaned is None:
            return None
        user = yield InOrmThread(self._user_by_natural_key, (cleaned,))
        model_check = None
        if user is not None and password.usable:
            model_check = password_check_of_model(user, password)
        if model_check is not None:
            is_correct = yield model_check
            upgraded = False  # the model's own method saved whatever it saves
        else:
            is_correct, upgraded = yield InHashingPool(verify_password_for, (user, password))
        if upgraded:
            yield InOrmThread(_save_password, (user,))
        if not is_correct:
            return None
        allowed = yield from self._hook("user_can_authenticate", user)
        return user if allowed else None

    def _get_user(self, user_id: Any) -> Flow[AbstractBaseUser | None]:
        if inspect.iscoroutinefunction(self.user_can_authenticate):
            # An async hook cannot run inside the ORM step: a step of its own.
            found = yield InOrmThread(self._user_by_pk, (user_id,))
            allowed = found is not None and (yield from self._hook("user_can_authenticate", found))
            return found if allowed else None
        user: AbstractBaseUser | None = yield EachMode(
            InOrmThread(self._active_user_by_pk, (user_id,)),
            InOrmThread(self._active_user_with_permissions, (user_id,)),
        )
        return user

    def _permissions(self, user_obj: _AnyUser, obj: Model | None, source: str) -> Flow[set[str]]:
        if self._overrides("_get_permissions"):
            granted: set[str] = yield Twin(self, _pair("_get_permissions"), (user_obj, obj, source))
            return granted
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        yield from self._fill_caches(user_obj, (source,))
        return _cache(user_obj, source)

    def _all_permissions(self, user_obj: _AnyUser, obj: Model | None) -> Flow[set[str]]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, _cache_name("all")):
            if self._overrides("get_user_permissions", "get_group_permissions", "_get_permissions"):
                # As Django does: through self, so that overrides are honoured.
                user_perms = yield Twin(self, _pair("get_user_permissions"), (user_obj, obj))
                group_perms = yield Twin(self, _pair("get_group_permissions"), (user_obj, obj))
            else:
                yield from self._fill_caches(user_obj, _PERMISSION_SOURCES)
                user_perms, group_perms = (_cache(user_obj, s) for s in _PERMISSION_SOURCES)
            setattr(user_obj, _cache_name("all"), {*user_perms, *group_perms})
        return _cache(user_obj, "all")

    def _has_perm(self, user_obj: _AnyUser, perm: str, obj: Model | None) -> Flow[bool]:
        if not user_obj.is_active:
            return False
        granted = yield from self._call_all_permissions(user_obj, {"obj": obj})
        return perm in granted

    def _has_module_perms(self, user_obj: _AnyUser, app_label: str) -> Flow[bool]:
        if not user_obj.is_active:
            return False
        granted = yield from self._call_all_permissions(user_obj, {})
        return any(perm[: perm.index(".")] == app_label for perm in granted)

    def _call_all_permissions(self, user_obj: _AnyUser, kwargs: dict[str, Any]) -> Flow[set[str]]:
        """``self.get_all_permissions(user_obj, **kwargs)``, as Django's callers pass it."""
        if self._overrides("get_all_permissions"):
            granted: set[str] = yield Twin(self, _pair("get_all_permissions"), (user_obj,), kwargs)
            return granted
        return (yield from self._all_permissions(user_obj, kwargs.get("obj")))

    def _fill_caches(self, user_obj: _AnyUser, sources: Iterable[str]) -> Flow[None]:
        missing = tuple(s for s in sources if not hasattr(user_obj, _cache_name(s)))
        if missing:
            snapshot = self._fresh_snapshot(user_obj)
            shared = self._shared_cache_for(user_obj)
            if snapshot is not None:
                loaded = {source: set(snapshot[source]) for source in missing}
            elif shared is not None:
                both = InOrmThread(self._load_permissions, (user_obj, _PERMISSION_SOURCES))
                everything = yield from shared.permissions(user_obj, both)
                loaded = {source: everything[source] for source in missing}
            else:
                loaded = yield InOrmThread(self._load_permissions, (user_obj, missing))
            for source, perms in loaded.items():
                setattr(user_obj, _cache_name(source), perms)

    def _fresh_snapshot(self, user_obj: _AnyUser) -> dict[str, set[str]] | None:
        """What ``load_permissions_into()`` loaded, if this class loaded it and nothing changed."""
        snapshot: _Snapshot | None = vars(user_obj).get(_SNAPSHOT)
        if snapshot is None or snapshot.backend is not type(self):
            return None
        if snapshot.taken_at != changes_so_far():
            return None  # a permission changed since: query, as Django would at this check
        return snapshot.permissions

    def _hook(self, name: str, *args: Any) -> Flow[Any]:
        """Call a hook: inline if it is Django's own, else in the ORM's thread, or awaited.

        An ``async def`` override is awaited in both modes: its coroutine,
        merely called, would be truthy and let everyone in.
        """
        method = getattr(self, name)
        if not self._overrides(name):
            return method(*args)
        if inspect.iscoroutinefunction(method):
            return (yield Awaited(method, args))
        return (yield InOrmThread(method, args))

    def _overrides(self, *names: str) -> bool:
        return _is_overridden(type(self), *names)

    # Work done in the ORM's thread: one round trip each.

    def _user_by_natural_key(self, username: str) -> AbstractBaseUser | None:
        user_model = get_user_model()
        try:
            return user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            return None

    def _user_by_pk(self, user_id: Any) -> AbstractBaseUser | None:
        user_model = get_user_model()
        try:
            return user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None

    def _active_user_by_pk(self, user_id: Any) -> AbstractBaseUser | None:
        user = self._user_by_pk(user_id)
        allowed = user is not None and self.user_can_authenticate(cast(Any, user))
        return user if allowed else None

    def load_permissions_into(self, user: AbstractBaseUser) -> None:
        """Fill Django's permission caches on ``user`` in one query, where worth it.

        That is, where ``load_permissions_with_user`` and the user call for it
        (see there). Sync code only, or the ORM's thread.

        The reference ``AuthenticationMiddleware`` calls it in the step that loads
        the session and the user of an async request.
        """
        if self._permissions_go_with_user(user):
            taken_at = changes_so_far()  # before the query: a change during it makes it stale
            shared = self._shared_cache_for(user)
            if shared is None:
                loaded = self._load_permissions(user, _PERMISSION_SOURCES)
            else:  # the cache, in this same step; the database only on a miss
                both = InOrmThread(self._load_permissions, (user, _PERMISSION_SOURCES))
                loaded = run_sync(shared.permissions(user, both))
            setattr(user, _SNAPSHOT, _Snapshot(taken_at, type(self), loaded))

    def _active_user_with_permissions(self, user_id: Any) -> AbstractBaseUser | None:
        """The user, with Django's permission caches filled in the same step when worth it."""
        user = self._active_user_by_pk(user_id)
        if user is not None:
            self.load_permissions_into(user)
        return user

    def _permissions_go_with_user(self, user: AbstractBaseUser) -> bool:
        if not self.load_permissions_with_user or not isinstance(user, PermissionsMixin):
            return False  # a user model without Django's permission fields
        # User.has_perm() answers an active superuser without asking any backend.
        if not user.is_active or user.is_superuser:
            return False
        shared = self._shared_cache_for(user)
        if shared is not None and shared.native_in_async:
            return False  # the first check reads the cache on the loop, with no hop
        return not self._overrides(*_PERMISSION_HOOKS)

    def _shared_cache_for(self, user_obj: _AnyUser) -> SharedPermissions | None:
        """The permission cache, if configured and this class and ``user_obj`` may use it."""
        if self.shares_permission_cache is False:
            return None
        shared = shared_permissions()
        if shared is None or not isinstance(user_obj, PermissionsMixin) or user_obj.pk is None:
            return None
        if self.shares_permission_cache is None and self._overrides(
            "_get_user_permissions", "_get_group_permissions"
        ):
            return None
        return shared

    def _load_permissions(
        self, user_obj: _AnyUser, sources: tuple[str, ...]
    ) -> dict[str, set[str]]:
        """The permission strings of each source, in one query."""
        if cast(Any, user_obj).is_superuser:
            everything = _as_strings(Permission.objects.all())
            return {source: set(everything) for source in sources}
        if not self._overrides("_get_user_permissions", "_get_group_permissions"):
            prepared = load_permissions(user_obj, sources)
            if prepared is not None:
                return prepared
        querysets = {
            source: getattr(self, f"_get_{source}_permissions")(user_obj) for source in sources
        }
        if len(sources) == 1 or not all(map(_combinable, querysets.values())):
            # A sliced, DISTINCT ON or already combined queryset (an override's) cannot
            # take part in a UNION: one query per source, as Django runs them.
            return {source: _as_strings(qs) for source, qs in querysets.items()}
        # One round trip for both sources: each row tagged with the source it came
        # from, so that a permission granted both directly and through a group lands
        # in both sets (Django caches them apart). UNION ALL: the tags differ, so
        # deduplicating would only cost a sort. order_by() on each part and on the
        # whole: a compound statement takes no ORDER BY in its parts, and
        # Permission's Meta.ordering must not bring one in.
        tagged = [
            qs.annotate(abs_source=Value(source))
            .values_list("content_type__app_label", "codename", "abs_source")
            .order_by()
            for source, qs in querysets.items()
        ]
        loaded: dict[str, set[str]] = {source: set() for source in sources}
        for app_label, codename, source in tagged[0].union(*tagged[1:], all=True).order_by():
            loaded[source].add(f"{app_label}.{codename}")
        return loaded


class AllowAllUsersModelBackend(ModelBackend, django_backends.AllowAllUsersModelBackend):
    """``ModelBackend`` that also lets inactive users log in."""


def _is_overridden(cls: type, *names: str) -> bool:
    """Whether either side of any of ``names`` on ``cls`` is not Django's or this package's own.

    Looked up on every call, as Django's ``self.<name>(...)`` is: a method
    replaced later (``mock.patch.object`` in a test) is followed, and no
    class is remembered. Derived methods count as overrides: they stand for
    a subclass's other side.
    """
    for name in names:
        for side in _SIDES.get(name, (name,)):
            if getattr(cls, side, None) not in _OWN_DEFINITIONS:
                return True
    return False


_SIDES: dict[str, tuple[str, ...]] = {
    pair.sync_name: (pair.sync_name, pair.async_name) for pair in AUTHENTICATION.pairs
}
_OWN_DEFINITIONS: set[object] = {None}


def register_own_definitions(*classes: type) -> None:
    """Count every function ``classes`` define (derived ones included) as no override."""
    for klass in classes:
        _OWN_DEFINITIONS.update(v for v in vars(klass).values() if isinstance(v, FunctionType))


register_own_definitions(
    *(
        klass
        for klass in vars(django_backends).values()
        if isinstance(klass, type) and klass.__module__ == django_backends.__name__
    ),
    ModelBackend,
    AllowAllUsersModelBackend,
)


def _cache_name(source: str) -> str:
    """Django's per-user cache attribute for ``source``: "user", "group", or "all"."""
    return "_perm_cache" if source == "all" else f"_{source}_perm_cache"


def _cache(user_obj: _AnyUser, source: str) -> set[str]:
    cached: set[str] = getattr(user_obj, _cache_name(source))
    return cached


def _seal(password: object) -> Secret | None:
    return None if password is None else Secret.seal(password)


def _combinable(queryset: QuerySet[Permission]) -> bool:
    query = queryset.query
    return not (query.is_sliced or query.combinator or query.distinct_fields)


def _as_strings(queryset: QuerySet[Permission]) -> set[str]:
    rows = queryset.values_list("content_type__app_label", "codename").order_by()
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def _save_password(user: AbstractBaseUser) -> None:
    user.save(update_fields=["password"])
