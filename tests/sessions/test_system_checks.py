"""System checks over SESSION_ENGINE fire on real hazards and stay silent otherwise.

Each hazardous engine (``tests/sessions/engines/``) is checked as written: the check
fires, and one sync call and one async call of its store disagree, so the hazard is
real on the running Django. Adapted with ``dual_mode()`` and with
``DualModeSessionMixin``, the check is silent and both calls give what the override
says. Every check goes through Django's ``run_checks()``, as ``manage.py check`` runs it.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import import_module
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends import cache, cached_db, signed_cookies
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DjangoDbStore
from django.core.cache import caches
from django.core.checks import CheckMessage, Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils.module_loading import import_string

from auth_backend_sdk import describe
from auth_backend_sdk.engine import MethodPair
from auth_backend_sdk.sessions.family import SESSIONS
from auth_backend_sdk.sessions.system_checks import TAG, _pair_messages
from auth_backend_sdk.testing import ASYNC, SYNC, Mode
from tests.sessions.engines import (
    counting_setitem,
    dropping_save,
    refusing_load,
    revoking_db_hook,
    tombstone_delete,
)
from tests.testapp.models import AccountSession

ROOT = Path(__file__).resolve().parent.parent.parent
ENGINES = "tests.sessions.engines"
E101, E102, W103, E104, W105 = (
    f"auth_backend_sdk.{code}" for code in ("E101", "E102", "W103", "E104", "W105")
)
DJANGO_ENGINES = [
    f"django.contrib.sessions.backends.{name}"
    for name in ("db", "cache", "cached_db", "file", "signed_cookies")
]


# The pairs the demonstrations call, taken from the family.
GET, SAVE, DELETE, SETITEM, GET_EXPIRY_DATE = (
    SESSIONS.pair(name) for name in ("get", "save", "delete", "__setitem__", "get_expiry_date")
)


def checked(engine: object) -> list[CheckMessage]:
    with override_settings(SESSION_ENGINE=engine):
        return run_checks(tags=[TAG])


def ids(engine: object) -> list[str | None]:
    return [message.id for message in checked(engine)]


def engine_store(engine: str) -> Any:
    """The class Django's SessionMiddleware uses for ``engine``."""
    return import_module(engine).SessionStore


def written_by_django(data: dict[str, Any]) -> str:
    """The key of a new session holding ``data``, saved by Django's own database store."""
    session = DjangoDbStore()
    session.update(data)
    session.save()
    assert session.session_key is not None
    return session.session_key


# One demonstration per hazard: what a store of the class gives in one mode.
Demonstration = Callable[[Any, Mode], object]


def user_served_to_a_stolen_cookie(store_class: Any, mode: Mode) -> object:
    key = written_by_django({refusing_load.CLIENT: "laptop", "user": "alice"})
    session = store_class(key)
    session.client = "attacker"
    return mode.call(session, GET, "user")


def user_served_from_a_revoked_session(store_class: Any, mode: Mode) -> object:
    key = written_by_django({revoking_db_hook.REVOKED: True, "user": "alice"})
    return mode.call(store_class(key), GET, "user")


def account_column_saved(store_class: Any, mode: Mode) -> object:
    session = store_class()
    session[SESSION_KEY] = "7"
    mode.call(session, SAVE)
    return AccountSession.objects.get(session_key=session.session_key).account_id


def writes_counted(store_class: Any, mode: Mode) -> object:
    session = store_class()
    mode.call(session, SETITEM, "theme", "dark")
    return session.get(counting_setitem.WRITES)


MODIFIED = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def expiry_asked_a_day_ahead(store_class: Any, mode: Mode) -> object:
    session = store_class()
    session.set_expiry(int(timedelta(days=1).total_seconds()))  # from each modification
    return mode.call(session, GET_EXPIRY_DATE, modification=MODIFIED) - MODIFIED


def keys_saved(store_class: Any, mode: Mode) -> object:
    session = store_class()
    session[f"{dropping_save.TRANSIENT_PREFIX}upload"] = 40
    session["theme"] = "dark"
    mode.call(session, SAVE)
    return sorted(DjangoDbStore(session.session_key).load())


def tombstone_left(store_class: Any, mode: Mode) -> object:
    session = store_class()
    session["theme"] = "dark"
    session.save()
    key = session.session_key
    mode.call(session, DELETE)
    return caches[settings.SESSION_CACHE_ALIAS].get(tombstone_delete.TOMBSTONE_PREFIX + key)


def stored_row(model: str, session: SessionBase) -> Any:
    """The row of ``session`` in the Session model at the dotted path ``model``."""
    return import_string(model)._default_manager.get(session_key=session.session_key)


def visitor_recorded_by_qsessions(store_class: Any, mode: Mode) -> object:
    session = store_class(user_agent="Firefox", ip="203.0.113.5")
    session["theme"] = "dark"
    mode.call(session, SAVE)
    row = stored_row("qsessions.models.Session", session)
    return row.ip, row.user_agent


def user_recorded_by_user_sessions(store_class: Any, mode: Mode) -> object:
    user = User.objects.get(username="alice")
    session = store_class(user_agent="Firefox", ip="203.0.113.5")
    mode.call(session, SETITEM, SESSION_KEY, str(user.pk))
    session.save()
    return stored_row("user_sessions.models.Session", session).user_id


@dataclass(frozen=True)
class HazardousEngine:
    engine: str
    ids: list[str | None]
    demonstrate: Demonstration
    adapted: tuple[str, ...]
    overridden_in: Mode = SYNC
    """The mode whose side the store overrides: what both modes must give once adapted."""

    def __str__(self) -> str:
        return self.engine.rpartition(".")[2] if self.engine.startswith(ENGINES) else self.engine


def own(
    module: str, demonstrate: Demonstration, *, check: str = E101, mixin: bool = True
) -> HazardousEngine:
    """A store of the project's own, adapted with dual_mode() and, unless not, with the mixin."""
    adapted = [f"{ENGINES}.adapted.{module}"]
    if mixin:
        adapted.append(f"{ENGINES}.mixin.{module}")
    overridden_in = ASYNC if check == E102 else SYNC
    return HazardousEngine(
        f"{ENGINES}.{module}", [check], demonstrate, tuple(adapted), overridden_in
    )


def third_party(engine: str, adapted: str, demonstrate: Demonstration) -> HazardousEngine:
    return HazardousEngine(engine, [E101], demonstrate, (f"{ENGINES}.adapted.{adapted}",))


HAZARDS = [
    own("refusing_load", user_served_to_a_stolen_cookie),
    own("async_refusing_load", user_served_to_a_stolen_cookie, check=E102),
    # No mixin variant: a DualModeSessionMixin subclass of this store in another module
    # crashes the mypy plugin when the store's module comes from mypy's cache.
    own("revoking_db_hook", user_served_from_a_revoked_session, mixin=False),
    own("account_column", account_column_saved),
    own("counting_setitem", writes_counted),
    own("kiosk_expiry", expiry_asked_a_day_ahead),
    own("dropping_save", keys_saved),
    own("tombstone_delete", tombstone_left),
    third_party("qsessions.backends.db", "qsessions_db", visitor_recorded_by_qsessions),
    third_party(
        "qsessions.backends.cached_db", "qsessions_cached_db", visitor_recorded_by_qsessions
    ),
    third_party("user_sessions.backends.db", "user_sessions_db", user_recorded_by_user_sessions),
]


@pytest.mark.parametrize("hazard", HAZARDS, ids=str)
def test_each_hazard_is_flagged_and_real(hazard: HazardousEngine, alice: User) -> None:
    assert ids(hazard.engine) == hazard.ids
    unwrapped = engine_store(hazard.engine)
    assert hazard.demonstrate(unwrapped, SYNC) != hazard.demonstrate(unwrapped, ASYNC)


@pytest.mark.parametrize(
    ("hazard", "engine"),
    [pytest.param(h, engine, id=engine) for h in HAZARDS for engine in h.adapted],
)
def test_adapted_stores_pass_silently_and_follow_the_override_in_both_modes(
    hazard: HazardousEngine, engine: str, alice: User
) -> None:
    assert ids(engine) == []
    intended = hazard.demonstrate(engine_store(hazard.engine), hazard.overridden_in)
    adapted = engine_store(engine)
    assert hazard.demonstrate(adapted, SYNC) == hazard.demonstrate(adapted, ASYNC) == intended


@pytest.mark.parametrize("engine", DJANGO_ENGINES)
def test_djangos_own_engines_pass_silently(engine: str) -> None:
    assert ids(engine) == []


# What the messages say.


def test_a_message_names_the_methods_both_origins_and_the_fix() -> None:
    engine = f"{ENGINES}.refusing_load"
    [error] = checked(engine)
    assert isinstance(error, Error)
    assert error.obj == engine
    assert error.msg == (
        f"load() is overridden in {engine}.SessionStore, but aload() comes from "
        f"django.contrib.sessions.backends.db.SessionStore, so async calls bypass the override."
    )
    assert error.hint is not None
    assert f'`SessionStore = dual_mode("{engine}.SessionStore")`' in error.hint
    assert 'set SESSION_ENGINE = "myproject.sessions"' in error.hint
    assert "DualModeSessionMixin first in the bases" in error.hint


def test_a_composite_default_of_django_is_named_with_what_it_is_built_on() -> None:
    [error] = checked("user_sessions.backends.db")
    assert error.msg == (
        "__setitem__() is overridden in user_sessions.backends.db.SessionStore, but aset() is "
        "Django's default in django.contrib.sessions.backends.base.SessionBase, built on "
        "_aget_session(), so async calls bypass the override."
    )


def test_the_overrides_of_one_class_make_one_message_naming_each_origin() -> None:
    [error] = checked("qsessions.backends.cached_db")
    assert error.msg == (
        "load(), save() and create_model_instance() are overridden in "
        "qsessions.backends.db.SessionStore, but aload() and asave() come from "
        "django.contrib.sessions.backends.cached_db.SessionStore, and "
        "acreate_model_instance() comes from django.contrib.sessions.backends.db.SessionStore, "
        "so async calls bypass the overrides."
    )
    assert error.hint is not None
    assert 'dual_mode("qsessions.backends.cached_db.SessionStore")' in error.hint


def test_an_async_override_shadowed_in_sync_is_its_own_error() -> None:
    [error] = checked(f"{ENGINES}.async_refusing_load")
    assert error.id == E102
    assert error.msg.startswith(f"aload() is overridden in {ENGINES}.async_refusing_load.")
    assert error.msg.endswith(
        "but load() comes from django.contrib.sessions.backends.db.SessionStore, "
        "so sync calls bypass the override."
    )


def test_a_pair_with_one_side_only_warns_that_the_other_mode_crashes() -> None:
    # Django's SessionBase defines both sides of every pair of the family, so no store of
    # Django 5.2 or 6.1 lacks one: a pair beyond the family's shows the warning.
    one_sided = MethodPair("rotate_secret", "arotate_secret")

    class SessionStore(DjangoDbStore):
        def rotate_secret(self) -> None:
            self["secret"] = "rotated"

    described = describe(SessionStore, pairs=[*SESSIONS.pairs, one_sided])
    [warning] = _pair_messages("myproject.sessions", SessionStore, described)
    assert isinstance(warning, Warning)
    assert warning.id == W103
    assert warning.msg == (
        f"rotate_secret() is defined in {__name__}.{SessionStore.__qualname__}, but "
        f"arotate_secret() is missing: async callers raise AttributeError."
    )
    assert not hasattr(SessionStore(), "arotate_secret")


# W105: a class name that changes the key salt.


def read_back(writer: type[SessionBase], reader: type[SessionBase], mode: Mode) -> object:
    """What ``reader`` reads, in ``mode``, of a session ``writer`` saved."""
    written = writer()
    written["user"] = "alice"
    written.save()
    return mode.call(reader(written.session_key), GET, "user")


@pytest.mark.django_db
@pytest.mark.parametrize("engine", [f"{ENGINES}.renamed", f"{ENGINES}.nested_name"])
def test_a_store_named_otherwise_reads_djangos_sessions_as_empty(
    engine: str, backend_mode: Mode
) -> None:
    assert ids(engine) == [W105]
    assert read_back(DjangoDbStore, DjangoDbStore, backend_mode) == "alice"
    assert read_back(DjangoDbStore, engine_store(engine), backend_mode) is None


def test_the_warning_shows_both_salts_and_the_exact_salt_to_keep() -> None:
    engine = f"{ENGINES}.nested_name"
    [warning] = checked(engine)
    assert isinstance(warning, Warning)
    assert warning.msg == (
        f"{engine}.Legacy.SessionStore signs sessions with the key salt "
        f"'django.contrib.sessions.Legacy.SessionStore', not "
        f"'django.contrib.sessions.SessionStore' as "
        f"django.contrib.sessions.backends.db.SessionStore, the store it extends, does: every "
        f"session that store signed reads as empty under this one, which logs every user out "
        f"when it is deployed."
    )
    assert warning.hint is not None
    assert "a key_salt property returning 'django.contrib.sessions.SessionStore'" in warning.hint
    assert "SILENCED_SYSTEM_CHECKS" in warning.hint
    # The salts shown are the ones Django's stores sign with.
    assert engine_store(engine)().key_salt == "django.contrib.sessions.Legacy.SessionStore"
    assert DjangoDbStore().key_salt == "django.contrib.sessions.SessionStore"


@pytest.mark.django_db
def test_a_store_keeping_the_salt_of_the_store_it_extends_passes(backend_mode: Mode) -> None:
    engine = f"{ENGINES}.renamed_salt_kept"
    assert ids(engine) == []
    assert read_back(DjangoDbStore, engine_store(engine), backend_mode) == "alice"


@pytest.mark.django_db
def test_dual_mode_keeps_the_salt_and_so_the_warning(backend_mode: Mode) -> None:
    engine = f"{ENGINES}.adapted.renamed"
    assert ids(engine) == [W105]
    renamed = engine_store(f"{ENGINES}.renamed")
    assert read_back(renamed, engine_store(engine), backend_mode) == "alice"
    assert read_back(DjangoDbStore, engine_store(engine), backend_mode) is None


@pytest.mark.parametrize(
    ("engine", "writer"),
    [
        (f"{ENGINES}.renamed_cache", cache.SessionStore),
        (f"{ENGINES}.renamed_signed_cookies", signed_cookies.SessionStore),
    ],
)
def test_stores_that_never_sign_with_the_key_salt_may_take_any_name(
    engine: str, writer: type[SessionBase], backend_mode: Mode
) -> None:
    assert ids(engine) == []
    assert read_back(writer, engine_store(engine), backend_mode) == "alice"


@pytest.mark.django_db
def test_a_renamed_cached_db_store_reads_as_empty_what_leaves_the_cache(
    backend_mode: Mode,
) -> None:
    engine = f"{ENGINES}.renamed_cached_db"
    assert ids(engine) == [W105]
    renamed: type[SessionBase] = engine_store(engine)
    written = cached_db.SessionStore()
    written["user"] = "alice"
    written.save()
    key = written.session_key
    assert backend_mode.call(renamed(key), GET, "user") == "alice"  # the cached copy
    caches[settings.SESSION_CACHE_ALIAS].delete(cached_db.KEY_PREFIX + str(key))
    assert backend_mode.call(cached_db.SessionStore(key), GET, "user") == "alice"
    # Reading it back from the database put it in the cache again.
    caches[settings.SESSION_CACHE_ALIAS].delete(cached_db.KEY_PREFIX + str(key))
    assert backend_mode.call(renamed(key), GET, "user") is None


# E104: no session store to check.


@pytest.mark.parametrize(
    ("engine", "message", "hint"),
    [
        (
            f"{ENGINES}.nosuch",
            f"SESSION_ENGINE cannot be imported: there is no module '{ENGINES}.nosuch'.",
            "Fix the dotted path",
        ),
        (
            "django.contrib.sessions.backends.db.SessionStore",
            "SESSION_ENGINE cannot be imported: there is no module "
            "'django.contrib.sessions.backends.db.SessionStore'.",
            "names a module, not a class: Django uses the module's SessionStore. Set "
            'SESSION_ENGINE = "django.contrib.sessions.backends.db".',
        ),
        (
            f"{ENGINES}.missing_dependency",
            "SESSION_ENGINE cannot be imported: it imports the module "
            "'abs_no_such_session_backend', which cannot be found.",
            "Install the package",
        ),
        (
            f"{ENGINES}.no_store",
            "SESSION_ENGINE names a module with no SessionStore",
            f"Define the store class as SessionStore in {ENGINES}.no_store",
        ),
        (
            f"{ENGINES}.store_is_a_path",
            "SessionStore in SESSION_ENGINE is not a class (it is a str).",
            "the store class itself",
        ),
        (
            f"{ENGINES}.not_a_store",
            f"SessionStore in SESSION_ENGINE is not a session store: "
            f"{ENGINES}.not_a_store.SessionStore does not subclass "
            f"django.contrib.sessions.backends.base.SessionBase.",
            "Subclass SessionBase",
        ),
    ],
)
def test_an_engine_without_a_session_store_is_an_error(
    engine: str, message: str, hint: str
) -> None:
    [error] = checked(engine)
    assert isinstance(error, Error)
    assert (error.id, error.obj) == (E104, engine)
    assert message in error.msg
    assert error.hint is not None
    assert hint in error.hint


def test_an_engine_whose_import_raises_is_an_error_that_repeats_no_secret() -> None:
    engine = f"{ENGINES}.raising_import"
    secret = "s3cret-cache-password"
    with pytest.raises(ConnectionError, match=secret):
        import_module(engine)
    [error] = checked(engine)
    assert error.id == E104
    assert error.msg == "SESSION_ENGINE cannot be imported: importing it raised ConnectionError."
    assert secret not in str(error)
    assert "Traceback" not in str(error)
    assert error.hint is not None
    assert f"Import {engine} in `manage.py shell`" in error.hint


def test_an_engine_that_is_not_a_path_is_an_error() -> None:
    [error] = checked(cached_db)
    assert (error.id, error.obj) == (E104, "SESSION_ENGINE")
    assert error.msg == "SESSION_ENGINE is a module, not the dotted path of a module."


# Registered with Django: manage.py check.


def test_manage_py_check_fails_on_a_hazard_and_passes_once_adapted() -> None:
    with (
        override_settings(SESSION_ENGINE="qsessions.backends.db"),
        pytest.raises(SystemCheckError, match=r"auth_backend_sdk\.E101"),
    ):
        call_command("check", stdout=StringIO(), stderr=StringIO())
    printed = StringIO()
    with override_settings(SESSION_ENGINE=f"{ENGINES}.adapted.qsessions_db"):
        call_command("check", stdout=printed, stderr=printed)
    assert "auth_backend_sdk." not in printed.getvalue()  # other apps may warn


# The examples of docs/reference/checks.md are what the check prints.

DOCS_PAGE = ROOT / "docs" / "reference" / "checks.md"
_BLOCK = re.compile(r"```\{code-block\} (\w+)\n:caption: ([^\n]+)\n\n(.*?)\n```", re.DOTALL)
_DOCUMENTED_ENGINE = re.compile(r'SESSION_ENGINE = "(.+)"')
_PROJECT_MODULE = re.compile(r"(\w+)/(\w+)\.py")


def manage_py_check(engine: str) -> str:
    """What ``manage.py check --tag session_stores`` prints with this engine."""
    printed = StringIO()
    with override_settings(SESSION_ENGINE=engine):
        try:
            call_command("check", tags=[TAG], stdout=printed, stderr=printed, no_color=True)
        except SystemCheckError as error:  # manage.py prints it, then exits with status 1
            return str(error)
    return printed.getvalue().rstrip("\n")


@pytest.fixture
def project_modules() -> Iterator[Callable[[str, str], None]]:
    """Run a module the page shows (``shop/sessions.py``) as that module, for the checks."""
    added: list[str] = []

    def run(path: str, source: str) -> None:
        found = _PROJECT_MODULE.fullmatch(path)
        assert found is not None, path
        package = sys.modules.get(found[1]) or types.ModuleType(found[1])
        package.__path__ = []
        module = types.ModuleType(f"{found[1]}.{found[2]}")
        for module_in_sys in (package, module):
            sys.modules[module_in_sys.__name__] = module_in_sys
            added.append(module_in_sys.__name__)
        exec(compile(source, path, "exec"), module.__dict__)

    yield run
    for name in added:
        sys.modules.pop(name, None)


def test_the_documented_outputs_are_what_the_check_prints(
    project_modules: Callable[[str, str], None],
) -> None:
    page = DOCS_PAGE.read_text(encoding="utf-8")
    shown = 0
    for language, caption, text in (found.groups() for found in _BLOCK.finditer(page)):
        if language == "python":
            project_modules(caption, text)
            continue
        engine = _DOCUMENTED_ENGINE.fullmatch(caption)
        assert language == "text", caption
        assert engine is not None, caption
        printed = manage_py_check(engine[1])
        assert " ".join(printed.split()) == " ".join(text.split()), caption
        shown += 1
    assert shown >= 5


def test_a_key_salt_of_the_stores_own_is_never_shown() -> None:
    from django.conf import settings

    (message,) = checked(f"{ENGINES}.secret_salt")
    assert message.id == "auth_backend_sdk.W105"
    text = f"{message.msg} {message.hint}"
    assert settings.SECRET_KEY not in text
    assert "a key salt of its own" in message.msg
    assert "'django.contrib.sessions.SessionStore'" in text  # Django's rule: shown
