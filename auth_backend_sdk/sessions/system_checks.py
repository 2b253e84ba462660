"""System checks over ``SESSION_ENGINE`` (``manage.py check``).

======================== ======= ==================================================
ID                       Level   Cause
======================== ======= ==================================================
auth_backend_sdk.E101    Error   async side shadowed: async calls bypass a sync override
auth_backend_sdk.E102    Error   sync side shadowed: sync calls bypass an async override
auth_backend_sdk.W103    Warning a side missing: callers in that mode raise ``AttributeError``
auth_backend_sdk.E104    Error   no session store: ``SESSION_ENGINE`` cannot be imported, or
                                 its ``SessionStore`` is missing or no ``SessionBase``
auth_backend_sdk.W105    Warning the class's name changes the key salt: sessions read as empty
======================== ======= ==================================================

They look at the class Django's ``SessionMiddleware`` uses:
``import_module(settings.SESSION_ENGINE).SessionStore``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .._system_checks import and_join
from ..engine.description import BackendDescription, Hazard, PairDescription, Side, Status, describe
from ._key_salt import (
    DJANGO_KEY_SALT_PREFIX,
    extended_store,
    follows_djangos_rule,
    ignores_key_salt,
    key_salt,
)
from .family import SESSION_BASE_MODULE, SESSIONS

__all__ = ["TAG", "check_session_engine", "register_checks"]

TAG = "session_stores"
"""The check tag: ``manage.py check --tag session_stores`` runs only these checks."""


def check_session_engine(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Flag a ``SESSION_ENGINE`` whose store sync or async callers would trip on.

    Its sync and async sides disagree (E101 to W103), it is no session store
    (E104), or its class's name changes the key salt, so that the sessions the
    store it extends wrote read as empty (W105).
    """
    engine: object = settings.SESSION_ENGINE
    if not isinstance(engine, str):
        return [
            _no_store(
                "SESSION_ENGINE",
                f"SESSION_ENGINE is a {type(engine).__name__}, not the dotted path of a module.",
                'Set it to a module path, such as "django.contrib.sessions.backends.db".',
            )
        ]
    loaded = _load_store(engine)
    if not isinstance(loaded, type):
        return [loaded]
    messages = _pair_messages(engine, loaded, describe(loaded))
    salt = _key_salt_message(engine, loaded)
    return messages if salt is None else [*messages, salt]


def register_checks() -> None:
    register(check_session_engine, Tags.security, TAG)


# E104: the store Django would load, or why there is none.


def _no_store(engine: str, message: str, hint: str) -> CheckMessage:
    return Error(message, hint=hint, obj=engine, id="auth_backend_sdk.E104")


def _load_store(engine: str) -> type | CheckMessage:
    # Exception messages are never repeated: an engine module that reads settings when
    # imported may put a connection URL, with its password, in the one it raises.
    try:
        module = import_module(engine)
    except Exception as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            return _not_found(engine, exc.name)
        return _import_failed(engine, exc)
    name = SESSIONS.module_class
    try:
        store = getattr(module, name)
    except AttributeError:
        return _no_store(
            engine,
            f"SESSION_ENGINE names a module with no {name}: Django's SessionMiddleware "
            f"uses import_module(SESSION_ENGINE).{name}.",
            f"Define the store class as {name} in {engine}, or set SESSION_ENGINE to the "
            f"module that does.",
        )
    except Exception as exc:
        return _import_failed(engine, exc)
    if not isinstance(store, type):
        return _no_store(
            engine,
            f"{name} in SESSION_ENGINE is not a class (it is a {type(store).__name__}).",
            f"Bind {name} to the store class itself.",
        )
    if not SESSIONS.recognises(store):
        return _no_store(
            engine,
            f"{name} in SESSION_ENGINE is not a session store: {_qualified(store)} does not "
            f"subclass {SESSION_BASE_MODULE}.SessionBase.",
            "Subclass SessionBase, or one of Django's stores in django.contrib.sessions.backends.",
        )
    return store


def _not_found(engine: str, missing: str) -> CheckMessage:
    if engine != missing and not engine.startswith(missing + "."):
        return _no_store(
            engine,
            f"SESSION_ENGINE cannot be imported: it imports the module {missing!r}, "
            f"which cannot be found.",
            "Install the package that provides it.",
        )
    module, _, name = engine.rpartition(".")
    if name == SESSIONS.module_class and module and isinstance(_imported(module), ModuleType):
        hint = (
            f"SESSION_ENGINE names a module, not a class: Django uses the module's "
            f'{name}. Set SESSION_ENGINE = "{module}".'
        )
    else:
        hint = "Fix the dotted path, or install the package that provides it."
    return _no_store(
        engine, f"SESSION_ENGINE cannot be imported: there is no module {missing!r}.", hint
    )


def _imported(module: str) -> ModuleType | None:
    try:
        return import_module(module)
    except Exception:
        return None


def _import_failed(engine: str, exc: Exception) -> CheckMessage:
    hint = (
        f"Import {engine} in `manage.py shell` to see the error (its message is not "
        f"repeated here: it may hold a secret, such as a password in a connection URL)."
    )
    message = f"SESSION_ENGINE cannot be imported: importing it raised {type(exc).__name__}."
    return _no_store(engine, message, hint)


# E101, E102, W103: the pairs whose sides disagree, one message per class holding the overrides.


def _pair_messages(engine: str, store: type, described: BackendDescription) -> list[CheckMessage]:
    groups: dict[tuple[Hazard, type | None], list[PairDescription]] = {}
    for pair in described.hazards:
        if pair.hazard is None or not SESSIONS.takes_part(store, pair.pair):
            continue  # a method of its own that shares a db hook's name: Django never calls it
        groups.setdefault((pair.hazard, _written(pair).defined_in), []).append(pair)
    return [_group_message(engine, hazard, pairs) for (hazard, _), pairs in groups.items()]


def _written(pair: PairDescription) -> Side:
    """The side the hazard is about: the override, or the one side there is."""
    if pair.hazard in (Hazard.ASYNC_SHADOWED, Hazard.ASYNC_MISSING):
        return pair.sync
    return pair.async_


def _other(pair: PairDescription) -> Side:
    return pair.async_ if _written(pair) is pair.sync else pair.sync


def _group_message(engine: str, hazard: Hazard, pairs: Sequence[PairDescription]) -> CheckMessage:
    written = [_written(pair) for pair in pairs]
    others = [_other(pair) for pair in pairs]
    owner = _qualified(written[0].defined_in)
    names = _names(written)
    other_names = _names(others)
    one = len(pairs) == 1
    if hazard in (Hazard.ASYNC_SHADOWED, Hazard.SYNC_SHADOWED):
        mode = "async" if hazard is Hazard.ASYNC_SHADOWED else "sync"
        return Error(
            f"{names} {'is' if one else 'are'} overridden in {owner}, but "
            f"{_origins(others)}, so {mode} calls bypass the override{'' if one else 's'}.",
            hint=f"{_wrap_hint(engine)} Or define {other_names} in {owner} as well.",
            obj=engine,
            id="auth_backend_sdk.E101" if mode == "async" else "auth_backend_sdk.E102",
        )
    mode = "async" if hazard is Hazard.ASYNC_MISSING else "sync"
    return Warning(
        f"{names} {'is' if one else 'are'} defined in {owner}, but {other_names} "
        f"{'is' if one else 'are'} missing: {mode} callers raise AttributeError.",
        hint=_wrap_hint(engine),
        obj=engine,
        id="auth_backend_sdk.W103",
    )


def _origins(sides: Sequence[Side]) -> str:
    """Where each stale side comes from, sides of one origin together."""
    by_origin: dict[tuple[type | None, str], list[Side]] = {}
    for side in sides:
        by_origin.setdefault((side.defined_in, _origin(side)), []).append(side)
    clauses = []
    for (_, origin), group in by_origin.items():
        one = len(group) == 1
        if group[0].library_default:
            default = "default" if one else "defaults"
            clauses.append(
                f"{_names(group)} {'is' if one else 'are'} {group[0].library}'s {default} "
                f"in {origin}, built on {group[0].derived_from}"
            )
        else:
            clauses.append(f"{_names(group)} {'comes' if one else 'come'} from {origin}")
    return ", and ".join(clauses)


def _origin(side: Side) -> str:
    if side.status is Status.DERIVED and not side.library_default:
        return f"{_qualified(side.defined_in)} (derived from {side.derived_from})"
    return _qualified(side.defined_in)


def _wrap_hint(engine: str) -> str:
    name = SESSIONS.module_class
    return (
        f'Wrap it: `{name} = dual_mode("{engine}.{name}")` in a module of your own '
        f'(myproject/sessions.py, say) and set SESSION_ENGINE = "myproject.sessions"; or put '
        f"DualModeSessionMixin first in the bases of a store class of your own."
    )


def _names(sides: Sequence[Side]) -> str:
    return and_join([f"{side.name}()" for side in sides])


def _qualified(cls: type | None) -> str:
    # Most stores are named SessionStore: only the module tells them apart.
    return "" if cls is None else f"{cls.__module__}.{cls.__qualname__}"


# W105: the key salt.


def _key_salt_message(engine: str, store: type) -> CheckMessage | None:
    salt = key_salt(store)
    extended = extended_store(store, salt)
    if salt is None or extended is None or ignores_key_salt(store):
        return None
    expected = key_salt(extended)
    if expected is None or salt == expected:
        return None
    return Warning(
        f"{_qualified(store)} signs sessions with {_salt_shown(store, salt)}, not "
        f"{_salt_returned(extended, expected)} as "
        f"{_qualified(extended)}, the store it extends, does: every session that store "
        f"signed reads as empty under this one, which logs every user out when it is deployed.",
        hint=(
            f"SessionBase.key_salt is {DJANGO_KEY_SALT_PREFIX!r} + the class's __qualname__: "
            f"name the class {SESSIONS.module_class}, at module level, or give it a key_salt "
            f"property returning {_salt_returned(extended, expected)}. If this class has served "
            f"SESSION_ENGINE under "
            f"this name before, the sessions it signed need its salt: keep it, and add "
            f'"auth_backend_sdk.W105" to SILENCED_SYSTEM_CHECKS.'
        ),
        obj=engine,
        id="auth_backend_sdk.W105",
    )


def _salt_shown(store: type, salt: str) -> str:
    # A key_salt a store computes itself may be built from a secret (SECRET_KEY): not shown.
    if follows_djangos_rule(store):
        return f"the key salt {salt!r}"
    return "a key salt of its own"


def _salt_returned(store: type, salt: str) -> str:
    if follows_djangos_rule(store):
        return repr(salt)
    return f"the salt {_qualified(store)}.key_salt returns"
