"""The Family declaration is the single source: the engine and its tools learn a family from it.

Two families declared outside the core are used here: the documented key
stores (``docs/examples/key_stores.py``), recognised by their methods, and
the test ledgers (``tests/engine/families_for_tests.py``), recognised by a
marker, with twin names no rule could build and the defaults of a library
imported only here (``tests/engine/late_library.py``).

Families are process-wide. Tests that declare one more work on a copy of the
registry (``isolated_registry``), so that nothing they declare outlives them.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

import pytest
from django.contrib.auth.backends import BaseBackend, ModelBackend, RemoteUserBackend
from django.contrib.auth.models import User

from auth_backend_sdk import describe, dual_mode
from auth_backend_sdk.auth.family import AUTHENTICATION, DJANGO_BACKENDS_MODULE
from auth_backend_sdk.engine import DualMode, Family, MethodPair, declare_family
from auth_backend_sdk.engine import _family as registry
from auth_backend_sdk.engine._family import families, family_of, is_trusted_module
from auth_backend_sdk.engine._loading import require_family
from auth_backend_sdk.engine._resolution import pair_named
from auth_backend_sdk.engine.description import Hazard, Status
from auth_backend_sdk.testing import ASYNC, Mode
from docs.examples.key_stores import KEY_STORES, KeyStoreMixin, MemoryStore
from tests.engine import families_for_tests
from tests.engine.families_for_tests import (
    LATE_LIBRARY,
    LEDGERS,
    LedgerMixin,
    TrustedBase,
    TrustedChild,
    late_default_listings,
)

SECRET = "correct horse battery staple"


def side(owner: object, name: str) -> Any:
    """``owner.<name>``: the engine adds sides at class creation, which type checkers cannot see."""
    return getattr(owner, name)


@pytest.fixture
def empty_memory_store() -> Iterator[None]:
    """``MemoryStore`` keeps its entries on the class: start and end each test with none."""
    MemoryStore.entries.clear()
    yield
    MemoryStore.entries.clear()


@pytest.fixture
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the families' registry, restored afterwards, for tests that declare families."""
    monkeypatch.setattr(registry, "_families", list(registry._families))
    monkeypatch.setattr(registry, "_pending_defaults", list(registry._pending_defaults))
    monkeypatch.setattr(registry, "_foreign_defaults", dict(registry._foreign_defaults))
    monkeypatch.setattr(registry, "_trusted_modules", set(registry._trusted_modules))


# A family declared outside the core: key stores.


def test_dual_mode_gives_a_key_store_its_declared_twins(
    backend_mode: Mode, empty_memory_store: None
) -> None:
    Store = dual_mode(MemoryStore)
    store = Store()

    backend_mode.call(store, "__setitem__", "colour", "green")
    assert backend_mode.call(store, "fetch", "colour") == "green"
    assert backend_mode.call(Store, "purge") == 1
    assert backend_mode.call(store, "fetch", "colour") is None

    aput = side(Store, "aput")
    assert inspect.iscoroutinefunction(aput)
    assert aput.__name__ == "aput"
    # The twin of __setitem__ is what the family declares, not "a" + its name.
    assert not hasattr(Store, "a__setitem__")
    assert not hasattr(store, "a__setitem__")
    assert MemoryStore.__dict__.keys() & {"afetch", "aput", "apurge"} == set()


def test_describe_shows_a_key_store_with_its_declared_twins(empty_memory_store: None) -> None:
    as_written = describe(MemoryStore)
    assert [p.pair for p in as_written.pairs] == list(KEY_STORES.pairs)
    setitem = as_written.pair("__setitem__")
    assert setitem.async_.name == "aput"
    assert setitem.async_.status is Status.MISSING
    assert setitem.hazard is Hazard.ASYNC_MISSING

    adapted = describe(dual_mode(MemoryStore))
    setitem = adapted.pair("__setitem__")
    assert setitem.async_.name == "aput"
    assert str(setitem.async_) == "derived from MemoryStore.__setitem__"
    assert str(adapted.pair("purge").async_) == "derived from MemoryStore.purge"
    assert adapted.hazards == ()
    assert "a__setitem__" not in str(adapted)


def test_an_async_first_key_store_gets_its_declared_sync_twin_as_a_special_method(
    backend_mode: Mode,
) -> None:
    class AsyncStore(KeyStoreMixin):
        def __init__(self) -> None:
            self.entries: dict[str, str] = {}

        async def aput(self, key: str, value: str) -> None:
            self.entries[key] = value

        async def afetch(self, key: str) -> str | None:
            return self.entries.get(key)

    store = AsyncStore()
    backend_mode.call(store, "__setitem__", "colour", "green")
    assert backend_mode.call(store, "fetch", "colour") == "green"
    # Python looks special methods up on the type: the derived __setitem__ is there.
    store["size"] = "large"  # type: ignore[index]
    assert store.entries == {"colour": "green", "size": "large"}
    assert describe(AsyncStore).pair("__setitem__").sync.derived_from == "AsyncStore.aput"


# A family with its own recognition and twin names no rule builds: ledgers.


class Book:
    """A ledger written with an async lookup and a sync tally; the marker makes it a ledger."""

    keeps_test_ledger: ClassVar[bool] = True

    def __init__(self) -> None:
        self.lines = {"rent": 3, "food": 4}

    async def alookup(self, key: str) -> int:
        return self.lines[key]

    def tally(self) -> int:
        return sum(self.lines.values())


def test_dual_mode_gives_a_ledger_its_declared_twins(backend_mode: Mode) -> None:
    Adapted = dual_mode(Book)
    book = Adapted()

    assert backend_mode.call(book, "__getitem__", "rent") == 3
    assert backend_mode.call(book, "tally") == 7
    assert book["food"] == 4  # type: ignore[index]
    assert inspect.iscoroutinefunction(side(Adapted, "tally_async"))
    for ruled in ("a__getitem__", "atally", "lookup"):
        assert not hasattr(Adapted, ruled)


def test_describe_shows_a_ledger_with_its_declared_twins() -> None:
    described = describe(dual_mode(Book))
    assert [p.pair for p in described.pairs] == list(LEDGERS.pairs)
    tally = described.pair("tally")
    assert tally.async_.name == "tally_async"
    assert str(tally.async_) == "derived from Book.tally"
    getitem = described.pair("__getitem__")
    assert getitem.sync.name == "__getitem__"
    assert str(getitem.sync) == "derived from Book.alookup"
    assert described.pair("weigh").absent
    assert described.hazards == ()


def test_a_family_with_its_own_recognition_decides_who_is_a_member() -> None:
    class MarkedOnly:
        keeps_test_ledger: ClassVar[bool] = True

    class UnmarkedWeigher:
        def weigh(self, item: str) -> str:
            return item

    assert family_of(MarkedOnly) is LEDGERS
    adapted = dual_mode(MarkedOnly)
    assert issubclass(adapted, LedgerMixin)
    assert all(p.absent for p in describe(adapted).pairs)

    # Defining a ledger's method does not make a ledger: the family's is_member decides.
    assert family_of(UnmarkedWeigher) is None
    with pytest.raises(TypeError, match=r"dual_mode\(\) expects .*a test ledger"):
        dual_mode(UnmarkedWeigher)


def test_the_refusal_does_not_claim_a_method_the_class_defines_is_missing() -> None:
    class UnmarkedWeigher:
        def weigh(self, item: str) -> str:
            return item

    with pytest.raises(TypeError) as raised:
        dual_mode(UnmarkedWeigher)
    assert not re.search(r"defines none of: [^(]*\bweigh\b", str(raised.value))


# Library defaults, registered lazily.


@dataclass(frozen=True)
class LateImport:
    loaded_before: bool
    listings_before: tuple[ModuleType, ...]
    module: ModuleType


@pytest.fixture(scope="module")
def late_import() -> LateImport:
    """Import the late library once, noting what the engine knew of it just before."""
    loaded_before = LATE_LIBRARY in sys.modules
    listings_before = tuple(late_default_listings)
    # Nothing but an import: no call site registers the library's defaults.
    module = importlib.import_module(LATE_LIBRARY)
    return LateImport(loaded_before, listings_before, module)


def test_library_defaults_are_registered_by_the_engine_once_the_library_is_imported(
    late_import: LateImport,
) -> None:
    from tests.engine import late_library

    # The family named the library without importing it, and the engine, which ran
    # on every class of the tests before this one, never asked for its defaults.
    assert families_for_tests.LATE_LIBRARY_LOADED_AT_DECLARATION is False
    assert late_import.loaded_before is False
    assert late_import.listings_before == ()

    weigh = describe(dual_mode(late_library.LibraryBase)).pair("weigh")
    assert weigh.sync.status is Status.NATIVE
    # Not "native in LibraryBase": the library's bridge does not count as a definition.
    assert weigh.async_.status is Status.DERIVED
    assert not weigh.async_.library_default
    assert str(weigh.async_) == "derived from LibraryBase.weigh"

    as_shipped = describe(late_library.LibraryBase).pair("weigh").async_
    assert as_shipped.library_default
    assert as_shipped.derived_from == "weigh()"
    describe(late_library.BridgeOnly)
    # Asked once, with the module, however many classes the engine looked at since.
    assert late_default_listings == [late_library]


def test_a_subclass_overriding_only_the_sync_side_is_followed_by_the_async_side(
    backend_mode: Mode, late_import: LateImport
) -> None:
    from tests.engine import late_library

    class Scale(LedgerMixin, late_library.LibraryBase):
        def weigh(self, item: str) -> str:
            return f"scale:{item}"

    class PlainScale(late_library.LibraryBase):
        def weigh(self, item: str) -> str:
            return f"plain:{item}"

    assert backend_mode.call(Scale(), "weigh", "flour") == "scale:flour"
    assert str(describe(Scale).pair("weigh").async_) == "derived from Scale.weigh"

    # As written: the library's bridge honours the override, so nothing is shadowed.
    as_written = describe(PlainScale).pair("weigh")
    assert as_written.async_.status is Status.DERIVED
    assert as_written.async_.library_default
    assert as_written.hazard is None
    assert backend_mode.call(dual_mode(PlainScale)(), "weigh", "salt") == "plain:salt"


def test_a_library_bridge_earlier_in_the_mro_gives_way_to_a_definition_after_it(
    backend_mode: Mode, late_import: LateImport
) -> None:
    from tests.engine import late_library

    class Weigher:
        def weigh(self, item: str) -> str:
            return f"weigher:{item}"

    class Mixed(LedgerMixin, late_library.BridgeOnly, Weigher):
        pass

    weigh = describe(Mixed).pair("weigh")
    # Had the bridge counted, it would decide the pair and give a sync side calling
    # itself through self.weigh; checked before any call, which would never return.
    assert weigh.sync.status is Status.NATIVE
    assert weigh.sync.defined_in is Weigher
    assert str(weigh.async_) == "derived from Weigher.weigh"
    assert backend_mode.call(Mixed(), "weigh", "sugar") == "weigher:sugar"


def test_a_library_default_is_not_called_a_django_default_when_django_did_not_ship_it(
    late_import: LateImport,
) -> None:
    from tests.engine import late_library

    shown = str(describe(late_library.LibraryBase).pair("weigh").async_)
    assert "LibraryBase" in shown
    assert "Django" not in shown


# Trusted modules and hooks.


def test_a_trusted_module_answers_for_the_twins_it_defines_in_different_classes() -> None:
    class UntrustedChild(TrustedBase):
        def tally(self) -> int:
            return 2

    assert is_trusted_module(families_for_tests.__name__)
    assert is_trusted_module(DJANGO_BACKENDS_MODULE)
    assert not is_trusted_module(__name__)
    assert not is_trusted_module(None)

    trusted = describe(TrustedChild).pair("tally")
    assert (trusted.sync.defined_in, trusted.async_.defined_in) == (TrustedChild, TrustedBase)
    assert trusted.hazard is None
    # The same shape outside the trusted module is a shadowed override.
    assert describe(UntrustedChild).pair("tally").hazard is Hazard.ASYNC_SHADOWED


def test_django_keeps_its_own_permission_twins_in_parity_and_a_copy_of_them_does_not() -> None:
    class CachingCopy(BaseBackend):
        def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
            return {"app.cached"}

    assert describe(ModelBackend).pair("get_all_permissions").hazard is None
    # BaseBackend.aget_all_permissions is a composite: it bypasses this override.
    assert describe(CachingCopy).pair("get_all_permissions").hazard is Hazard.ASYNC_SHADOWED


class OwnPermissionsHelper:
    """Not a ModelBackend: its _get_permissions is its own business, Django never calls it."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        return set()

    def configure_user(self, request: Any, user: Any, created: bool = True) -> Any:
        return user


class PermissionsHook(ModelBackend):
    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        return set()


class ConfigureHook(RemoteUserBackend):
    def configure_user(self, request: Any, user: Any, created: bool = True) -> Any:
        return user


def test_a_hook_pair_takes_part_only_for_subclasses_of_the_class_calling_it() -> None:
    get_permissions = AUTHENTICATION.pair("_get_permissions")
    configure_user = AUTHENTICATION.pair("configure_user")
    authenticate = AUTHENTICATION.pair("authenticate")

    assert not AUTHENTICATION.takes_part(OwnPermissionsHelper, get_permissions)
    assert not AUTHENTICATION.takes_part(OwnPermissionsHelper, configure_user)
    assert AUTHENTICATION.takes_part(OwnPermissionsHelper, authenticate)
    assert AUTHENTICATION.takes_part(PermissionsHook, get_permissions)
    assert AUTHENTICATION.takes_part(ModelBackend, get_permissions)
    assert AUTHENTICATION.takes_part(ConfigureHook, configure_user)
    # ModelBackend calls _get_permissions, but only RemoteUserBackend calls configure_user.
    assert not AUTHENTICATION.takes_part(PermissionsHook, configure_user)

    # describe() still shows the method; the tools skip it with takes_part().
    assert describe(OwnPermissionsHelper).pair("_get_permissions").hazard is Hazard.ASYNC_MISSING


def test_a_hook_whose_caller_is_not_imported_takes_part_nowhere() -> None:
    family = Family(
        name="undeclared",
        pairs=(MethodPair("hook", "ahook"), MethodPair("call", "acall")),
        mixin="nowhere.Mixin",
        hooks={"hook": "tests.engine.never_imported.Caller"},
    )
    assert not family.takes_part(PermissionsHook, family.pair("hook"))
    assert family.takes_part(PermissionsHook, family.pair("call"))


# Recognition: family_of, and the refusals of dual_mode() and describe().


class AmbiguousBackendStore:
    """Recognised by two families: it has an authentication method and a key store's."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def fetch(self, key: str) -> str:
        return f"fetched:{key}"


def test_a_class_two_families_recognise_must_be_told_which() -> None:
    with pytest.raises(TypeError) as raised:
        family_of(AmbiguousBackendStore)
    message = str(raised.value)
    assert "AmbiguousBackendStore" in message
    assert "'authentication backend'" in message
    assert "'key store'" in message
    assert "family=" in message
    for tool in (dual_mode, describe):
        with pytest.raises(TypeError, match="pass family="):
            tool(AmbiguousBackendStore)


def test_family_equals_settles_an_ambiguous_class(backend_mode: Mode) -> None:
    as_store = dual_mode(AmbiguousBackendStore, family=KEY_STORES)
    assert issubclass(as_store, KeyStoreMixin)
    assert backend_mode.call(as_store(), "fetch", "key") == "fetched:key"
    assert not hasattr(as_store, "aauthenticate")
    assert family_of(as_store) is KEY_STORES
    assert [p.pair for p in describe(as_store).pairs] == list(KEY_STORES.pairs)

    as_backend = dual_mode(AmbiguousBackendStore, family=AUTHENTICATION)
    assert backend_mode.call(as_backend(), "authenticate", None) is None
    assert not hasattr(as_backend, "afetch")

    described = describe(AmbiguousBackendStore, family=KEY_STORES)
    assert [p.pair for p in described.pairs] == list(KEY_STORES.pairs)
    as_backend_described = describe(AmbiguousBackendStore, family=AUTHENTICATION)
    assert as_backend_described.pair("authenticate").sync.status is Status.NATIVE


def test_a_mixin_names_the_family_even_when_another_recognises_the_class() -> None:
    class StoreWithLogin(KeyStoreMixin):
        def fetch(self, key: str) -> str:
            return key

        def authenticate(self, request: Any, **credentials: Any) -> None:
            return None

    assert family_of(StoreWithLogin) is KEY_STORES
    assert not hasattr(StoreWithLogin, "aauthenticate")


class Unrelated:
    """A class no family recognises, holding a secret."""

    api_key = SECRET

    def __init__(self) -> None:
        self.password = SECRET

    def __repr__(self) -> str:
        return f"Unrelated(password={self.password!r})"


def test_a_class_no_family_recognises_is_refused_naming_every_family() -> None:
    for refuse in (
        lambda: dual_mode(Unrelated),
        lambda: describe(Unrelated()),
        lambda: require_family(Unrelated, caller="check"),
    ):
        with pytest.raises(TypeError) as raised:
            refuse()
        message = str(raised.value)
        assert re.match(r"\w+\(\) expects ", message)
        for expected in ("an authentication backend", "a key store", "a test ledger"):
            assert expected in message
        assert f"{__name__}.Unrelated" in message
        assert SECRET not in message


def test_a_class_the_named_family_does_not_recognise_is_refused_naming_that_family() -> None:
    with pytest.raises(TypeError) as raised:
        describe(MemoryStore, family=AUTHENTICATION)
    message = str(raised.value)
    assert "expects an authentication backend, but" in message
    assert "key store" not in message
    assert "fetch" not in message.partition("defines none of:")[2]


# The registry.


def test_a_second_family_of_the_same_name_is_refused(isolated_registry: None) -> None:
    impostor = Family(
        name="key store",
        pairs=(MethodPair("fetch", "fetch_async"),),
        mixin="nowhere.Mixin",
        trusted_modules=("nowhere.trusted",),
        library_defaults={"nowhere.library": lambda module: ()},
    )
    with pytest.raises(ValueError, match="a family named 'key store' is already declared"):
        declare_family(impostor)
    assert [f for f in families() if f.name == "key store"] == [KEY_STORES]
    # Refused before anything of it was registered.
    assert not is_trusted_module("nowhere.trusted")
    assert all(name != "nowhere.library" for name, _ in registry._pending_defaults)


def test_a_newly_declared_family_is_known_to_every_tool(isolated_registry: None) -> None:
    def is_gauge(cls: type) -> bool:
        return getattr(cls, "is_gauge", False) is True

    gauges = declare_family(
        Family(
            name="gauge",
            pairs=(MethodPair("read", "read_later"),),
            mixin="nowhere.GaugeMixin",
            is_member=is_gauge,
        )
    )

    class Gauge:
        is_gauge: ClassVar[bool] = True

        def read(self) -> int:
            return 3

    assert gauges in families()
    assert family_of(Gauge) is gauges
    assert describe(Gauge).pair("read").async_.name == "read_later"
    assert pair_named(Gauge, "read") == MethodPair("read", "read_later")


# Family.pair() and Family.twin_name().


def test_family_pair_finds_a_pair_by_its_sync_name_only() -> None:
    assert KEY_STORES.pair("__setitem__") == MethodPair("__setitem__", "aput")
    assert LEDGERS.pair("tally") == MethodPair("tally", "tally_async")
    assert AUTHENTICATION.pair("_get_permissions") == MethodPair(
        "_get_permissions", "_aget_permissions"
    )
    for family, name in ((KEY_STORES, "aput"), (KEY_STORES, "setitem"), (LEDGERS, "lookup")):
        with pytest.raises(KeyError) as raised:
            family.pair(name)
        assert raised.value.args == (name,)


def test_family_twin_name_goes_both_ways_for_declared_names_only() -> None:
    assert KEY_STORES.twin_name("__setitem__") == "aput"
    assert KEY_STORES.twin_name("aput") == "__setitem__"
    assert KEY_STORES.twin_name("afetch") == "fetch"
    assert LEDGERS.twin_name("__getitem__") == "alookup"
    assert LEDGERS.twin_name("tally_async") == "tally"
    assert AUTHENTICATION.twin_name("_aget_permissions") == "_get_permissions"
    for family, name in (
        (KEY_STORES, "a__setitem__"),
        (KEY_STORES, "put"),
        (LEDGERS, "atally"),
        (AUTHENTICATION, "aaauthenticate"),
    ):
        with pytest.raises(KeyError) as raised:
            family.twin_name(name)
        assert raised.value.args == (name,)


# pair_named().


def test_pair_named_gives_a_member_its_family_pair() -> None:
    assert pair_named(dual_mode(MemoryStore), "__setitem__") == MethodPair("__setitem__", "aput")
    assert pair_named(MemoryStore, "purge") == MethodPair("purge", "apurge")
    assert pair_named(Book, "tally") == MethodPair("tally", "tally_async")
    assert pair_named(ModelBackend, "has_perm") == MethodPair("has_perm", "ahas_perm")
    assert ASYNC.method_name("__setitem__", MemoryStore()) == "aput"
    assert ASYNC.method_name(MethodPair("check_password", "acheck_password")) == "acheck_password"


def test_pair_named_gives_a_class_outside_any_family_the_pair_the_families_agree_on() -> None:
    assert pair_named(User, "has_perm") == MethodPair("has_perm", "ahas_perm")
    # Mode.call(django.contrib.auth, "authenticate", ...) asks about the module's type.
    assert family_of(types.ModuleType) is None
    assert pair_named(types.ModuleType, "authenticate") == MethodPair(
        "authenticate", "aauthenticate"
    )
    assert pair_named(types.ModuleType, "purge") == MethodPair("purge", "apurge")
    # The session family's twin of __setitem__ is aset, the key stores' is aput: no guess.
    with pytest.raises(KeyError, match="__setitem__"):
        pair_named(types.ModuleType, "__setitem__")


def test_pair_named_uses_a_class_own_pairs_first() -> None:
    class Fetcher(DualMode):
        __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = (
            MethodPair("fetch", "fetch_later"),
        )

        def fetch(self, key: str) -> str:
            return key

    # Not the key stores' ("fetch", "afetch"): the class's own declaration wins.
    assert pair_named(Fetcher, "fetch") == MethodPair("fetch", "fetch_later")


def test_pair_named_refuses_a_name_no_pair_has() -> None:
    with pytest.raises(KeyError, match=r"User has no declared pair whose sync side is 'no_such'"):
        pair_named(User, "no_such")
    with pytest.raises(KeyError, match="'ahas_perm'"):
        pair_named(User, "ahas_perm")
    # A member's family decides: a key store has no authenticate pair.
    with pytest.raises(KeyError, match="MemoryStore"):
        pair_named(MemoryStore, "authenticate")


def test_pair_named_refuses_a_name_the_families_disagree_on(isolated_registry: None) -> None:
    declare_family(
        Family(
            name="rival",
            pairs=(MethodPair("has_perm", "has_perm_async"),),
            mixin="nowhere.Mixin",
            is_member=lambda cls: False,
        )
    )
    with pytest.raises(KeyError, match="'has_perm'"):
        pair_named(types.ModuleType, "has_perm")
    # A member of the authentication family still gets its own family's pair.
    assert pair_named(User, "has_perm") == MethodPair("has_perm", "ahas_perm")
