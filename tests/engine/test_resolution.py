"""The engine's rule, without a database: the most-derived definition of each pair wins."""

from __future__ import annotations

import asyncio
import inspect
import sys
import threading
from typing import Any, ClassVar

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.backends import BaseBackend as DjangoBaseBackend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.views.debug import ExceptionReporter
from django.views.decorators.debug import sensitive_variables
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from auth_backend_sdk import (
    DualModeMixin,
    MethodPair,
    SyncMethodInEventLoopError,
    describe,
    dual_mode,
)
from auth_backend_sdk.engine import DualMode
from auth_backend_sdk.testing import Mode


class Plain(DualModeMixin):
    pass


def test_sync_only_pair_gets_a_derived_async_side(backend_mode: Mode) -> None:
    class Backend(DualModeMixin):
        def get_user(self, user_id: int) -> str:
            return f"user-{user_id}"

    assert inspect.iscoroutinefunction(Backend.aget_user)
    assert backend_mode.call(Backend(), "get_user", 7) == "user-7"
    assert describe(Backend).pair("get_user").async_.derived_from == "Backend.get_user"


def test_async_only_pair_gets_a_derived_sync_side(backend_mode: Mode) -> None:
    class Backend(DualModeMixin):
        async def aget_user(self, user_id: int) -> str:
            return f"user-{user_id}"

    assert not inspect.iscoroutinefunction(Backend.get_user)
    assert backend_mode.call(Backend(), "get_user", 7) == "user-7"
    assert describe(Backend).pair("get_user").sync.derived_from == "Backend.aget_user"


def test_a_class_defining_both_sides_keeps_both() -> None:
    class Backend(DualModeMixin):
        def get_user(self, user_id: int) -> str:
            return "sync"

        async def aget_user(self, user_id: int) -> str:
            return "async"

    assert Backend.__dict__["aget_user"].__code__.co_name == "aget_user"
    assert Backend().get_user(1) == "sync"
    assert async_to_sync(Backend().aget_user)(1) == "async"


def test_pairs_no_class_defines_stay_absent() -> None:
    class Backend(DualModeMixin):
        def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
            return True

    # Django dispatches with hasattr(): what it did not see before, it must not see now.
    for name in ("authenticate", "aauthenticate", "get_user", "aget_user", "aconfigure_user"):
        assert not hasattr(Backend, name)
    assert hasattr(Backend, "ahas_perm")


def test_django_async_defaults_count_as_derived(backend_mode: Mode) -> None:
    class OnlyHasPerm(DualModeMixin, DjangoBaseBackend):
        def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
            return perm == "app.granted"

    # Django's own BaseBackend.ahas_perm goes through aget_all_permissions and would deny.
    assert (
        async_to_sync(DjangoBaseBackend.ahas_perm)(OnlyHasPerm(), AnonymousUser(), "app.granted")
        is False
    )
    assert backend_mode.call(OnlyHasPerm(), "has_perm", None, "app.granted") is True
    assert backend_mode.call(OnlyHasPerm(), "has_perm", None, "app.other") is False


def test_derived_methods_look_like_their_source() -> None:
    class Backend(DualModeMixin):
        def authenticate(self, request: Any, token: str | None = None, *, scope: str = "") -> None:
            """Log in with a token."""

        async def aget_user(self, user_id: int, /) -> None:
            """Fetch the user."""

    backend = Backend()
    assert inspect.signature(backend.aauthenticate) == inspect.signature(backend.authenticate)
    assert str(inspect.signature(Backend.aauthenticate)) == str(
        inspect.signature(Backend.authenticate)
    )
    assert inspect.signature(backend.get_user) == inspect.signature(backend.aget_user)
    assert Backend.aauthenticate.__doc__ == "Log in with a token."
    assert Backend.get_user.__doc__ == "Fetch the user."
    assert Backend.aauthenticate.__name__ == "aauthenticate"
    assert Backend.aauthenticate.__qualname__.endswith("Backend.aauthenticate")
    assert inspect.unwrap(Backend.aauthenticate) is Backend.__dict__["authenticate"]
    # Django matches credentials by binding them to the signature, as it does here.
    inspect.signature(backend.aauthenticate).bind(None, token="t", scope="s")
    with pytest.raises(TypeError):
        inspect.signature(backend.aauthenticate).bind(None, password="p")


class Refusal(Exception):
    pass


def test_exceptions_cross_the_bridge_unchanged(backend_mode: Mode) -> None:
    denied = PermissionDenied("locked out")
    other = Refusal("boom")

    class SyncFirst(DualModeMixin):
        def authenticate(self, request: Any, error: Exception) -> None:
            raise error

    class AsyncFirst(DualModeMixin):
        async def aauthenticate(self, request: Any, error: Exception) -> None:
            raise error

    for backend in (SyncFirst(), AsyncFirst()):
        for error in (denied, other):
            with pytest.raises(type(error)) as raised:
                backend_mode.call(backend, "authenticate", None, error)
            assert raised.value is error


def test_super_chains_work_through_derived_methods(backend_mode: Mode) -> None:
    class Base(DualModeMixin):
        def authenticate(self, request: Any, username: str = "") -> list[str]:
            return ["Base.sync"]

    class AsyncChild(Base):
        async def aauthenticate(self, request: Any, username: str = "") -> list[str]:
            return [*await super().aauthenticate(request, username), "AsyncChild.async"]

    class SyncGrandchild(AsyncChild):
        def authenticate(self, request: Any, username: str = "") -> list[str]:
            return [*super().authenticate(request, username), "SyncGrandchild.sync"]

    assert backend_mode.call(AsyncChild(), "authenticate", None) == [
        "Base.sync",
        "AsyncChild.async",
    ]
    assert backend_mode.call(SyncGrandchild(), "authenticate", None) == [
        "Base.sync",
        "AsyncChild.async",
        "SyncGrandchild.sync",
    ]


def test_three_levels_and_a_diamond_resolve_as_the_mro_says(backend_mode: Mode) -> None:
    class Root(DualModeMixin):
        def get_user(self, user_id: int) -> str:
            return "Root.sync"

    class Middle(Root):
        pass

    class Leaf(Middle):
        async def aget_user(self, user_id: int) -> str:
            return "Leaf.async"

    class Left(Root):
        def get_user(self, user_id: int) -> str:
            return "Left.sync"

    class Right(Root):
        async def aget_user(self, user_id: int) -> str:
            return "Right.async"

    class LeftFirst(Left, Right):
        pass

    class RightFirst(Right, Left):
        pass

    assert backend_mode.call(Middle(), "get_user", 1) == "Root.sync"
    assert backend_mode.call(Leaf(), "get_user", 1) == "Leaf.async"
    assert backend_mode.call(LeftFirst(), "get_user", 1) == "Left.sync"
    assert backend_mode.call(RightFirst(), "get_user", 1) == "Right.async"
    # An intermediate class that adds nothing reuses its base's derived method.
    assert "aget_user" not in Middle.__dict__


class _Probe(DualMode):
    __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = (MethodPair("ping", "aping"),)


def _tagged(tag: str, side: str) -> Any:
    if side == "sync":

        def ping(self: Any) -> tuple[str, str]:
            return (tag, "sync")

        return ping

    async def aping(self: Any) -> tuple[str, str]:
        return (tag, "async")

    return aping


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([(), ("sync",), ("async",), ("sync", "async")]),
            st.lists(st.integers(min_value=0, max_value=10), max_size=3, unique=True),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_hierarchies_follow_the_first_definition_in_the_mro(
    spec: list[tuple[tuple[str, ...], list[int]]],
) -> None:
    classes: list[type] = []
    defined: dict[type, tuple[str, ...]] = {}
    for index, (sides, base_picks) in enumerate(spec):
        bases = (
            tuple(dict.fromkeys(classes[pick % len(classes)] for pick in base_picks))
            if (classes and base_picks)
            else (_Probe,)
        )
        namespace: dict[str, Any] = {}
        for side in sides:
            namespace["ping" if side == "sync" else "aping"] = _tagged(f"C{index}", side)
        try:
            cls = type(f"C{index}", bases, namespace)
        except TypeError:  # no consistent MRO for these bases
            assume(False)
        classes.append(cls)
        defined[cls] = sides

    for cls in classes:
        winner = next((k for k in cls.__mro__ if defined.get(k)), None)
        if winner is None:
            assert not hasattr(cls, "ping")
            assert not hasattr(cls, "aping")
            continue
        sides = defined[winner]
        tag = winner.__name__
        expected_sync = (tag, "sync") if "sync" in sides else (tag, "async")
        expected_async = (tag, "async") if "async" in sides else (tag, "sync")
        instance = cls()
        assert instance.ping() == expected_sync
        assert asyncio.run(instance.aping()) == expected_async


async def test_derived_sync_side_refuses_to_block_a_running_loop() -> None:
    class OneTimeCode(DualModeMixin):
        async def aauthenticate(self, request: Any, otp: str = "") -> None:
            return None

    with pytest.raises(SyncMethodInEventLoopError) as raised:
        OneTimeCode().authenticate(None, otp="123")
    message = str(raised.value)
    assert "OneTimeCode.authenticate()" in message
    assert "await aauthenticate() instead" in message
    assert isinstance(raised.value, RuntimeError)


async def test_derived_sync_side_works_from_a_worker_thread_of_the_loop() -> None:
    loop_thread = threading.get_ident()

    class OneTimeCode(DualModeMixin):
        async def aauthenticate(self, request: Any) -> int:
            return threading.get_ident()

    # A sync view under ASGI calls authenticate() from a sync_to_async thread:
    # the coroutine runs back on the request's own event loop.
    ran_on = await sync_to_async(OneTimeCode().authenticate)(None)
    assert ran_on == loop_thread


def test_derived_async_side_is_thread_sensitive() -> None:
    test_thread = threading.get_ident()

    class Backend(DualModeMixin):
        def get_user(self, user_id: int) -> int:
            return threading.get_ident()

    # Under async_to_sync, thread-sensitive work runs on the outer sync thread,
    # where Django's ORM keeps the request's connection.
    assert async_to_sync(Backend().aget_user)(1) == test_thread


def test_deriving_from_something_that_is_not_a_plain_method_is_refused() -> None:
    with pytest.raises(TypeError, match=r"cannot derive aget_user\(\) from .*staticmethod"):

        class Static(DualModeMixin):
            @staticmethod
            def get_user(user_id: int) -> None:
                return None


def test_a_sync_side_written_as_a_coroutine_is_refused() -> None:
    with pytest.raises(TypeError, match=r"Misnamed\.get_user must be a plain `def`"):

        class Misnamed(DualModeMixin):
            async def get_user(self, user_id: int) -> None:
                return None

    with pytest.raises(TypeError, match=r"Misnamed\.aget_user must be an `async def`"):

        class Misnamed(DualModeMixin):  # type: ignore[no-redef]
            def aget_user(self, user_id: int) -> None:
                return None


def test_any_class_can_declare_its_own_pairs(backend_mode: Mode) -> None:
    """The engine is generic: a session store has the same x/ax pairs."""

    class SessionStore(DualMode):
        __dual_mode_pairs__: ClassVar[tuple[MethodPair, ...]] = (
            MethodPair("exists", "aexists"),
            MethodPair("load", "aload"),
        )

        def exists(self, session_key: str) -> bool:
            return session_key == "known"

        async def aload(self) -> dict[str, str]:
            return {"user": "alice"}

    store = SessionStore()
    assert backend_mode.call(store, "exists", "known") is True
    assert backend_mode.call(store, "load") == {"user": "alice"}
    assert not hasattr(SessionStore, "authenticate")
    described = describe(SessionStore)
    assert describe(SessionStore()) == described
    assert [p.pair.sync_name for p in described.pairs] == ["exists", "load"]


SECRET = "correct horse battery staple"


def test_derived_frames_do_not_leak_sensitive_variables() -> None:
    class Broken(DualModeMixin):
        @sensitive_variables("password")
        def authenticate(self, request: Any, username: str = "", password: str = "") -> None:
            raise Refusal("the directory is down")

    class AsyncBroken(DualModeMixin):
        @sensitive_variables("password")
        async def aauthenticate(self, request: Any, username: str = "", password: str = "") -> None:
            raise Refusal("the directory is down")

    for call in (async_to_sync(Broken().aauthenticate), AsyncBroken().authenticate):
        frame_vars, text = _error_report_of(call)
        assert "Refusal" in text
        assert SECRET not in frame_vars
        assert SECRET not in text


def _error_report_of(call: Any) -> tuple[str, str]:
    """Django's error report for ``call`` failing; the secret is a global, never a local here."""
    try:
        call(None, username="alice", password=SECRET)
    except Refusal:
        exc_type, exc, tb = sys.exc_info()
    report = ExceptionReporter(None, exc_type, exc, tb)
    return repr([frame["vars"] for frame in report.get_traceback_frames()]), (
        report.get_traceback_text()
    )


def test_a_stale_derived_method_earlier_in_the_mro_gives_way_to_the_winner() -> None:
    class Base:
        def get_user(self, user_id: int) -> str:
            return "Base.sync"

    Adapted = dual_mode(Base)  # holds aget_user derived from Base.get_user

    class Both(Base):
        def get_user(self, user_id: int) -> str:
            return "Both.sync"

        async def aget_user(self, user_id: int) -> str:
            return "Both.async"

    class Combined(Adapted, Both):
        pass

    # MRO: Combined, Adapted, DualModeMixin, DualMode, Both, Base. Plain Python
    # would pair Both.get_user with Adapted's aget_user derived from Base.
    assert Combined().get_user(1) == "Both.sync"
    assert async_to_sync(Combined().aget_user)(1) == "Both.async"


def test_the_package_exposes_its_public_names_lazily() -> None:
    import auth_backend_sdk

    assert {"BaseBackend", "DualModeMixin", "describe", "dual_mode", "protocols"} <= set(
        dir(auth_backend_sdk)
    )
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        auth_backend_sdk.nope  # noqa: B018


def test_a_copied_winner_does_not_count_as_the_subclass_own_definition() -> None:
    class Base:
        def get_user(self, user_id: int) -> str:
            return "Base.sync"

    class Both(Base):
        def get_user(self, user_id: int) -> str:
            return "Both.sync"

        async def aget_user(self, user_id: int) -> str:
            return "Both.async"

    class Better(Both):
        def get_user(self, user_id: int) -> str:
            return "Better.sync"

    Adapted = dual_mode(Base)

    class Combined(Adapted, Both):
        pass

    class Final(Combined, Better):
        pass

    # Final's MRO puts Better (sync only) before Both: Better decides both sides.
    assert Final().get_user(1) == "Better.sync"
    assert async_to_sync(Final().aget_user)(1) == "Better.sync"
    assert describe(Combined).pair("get_user").async_.defined_in is Both
    assert describe(Final).hazards == ()


def test_a_class_the_engine_never_saw_is_not_reported_as_dual_mode() -> None:
    class Swallows:
        def __init_subclass__(cls, **kwargs: Any) -> None:
            pass  # does not call super(): DualMode.__init_subclass__ never runs

    class Later(Swallows, DualModeMixin):
        def get_user(self, user_id: int) -> None:
            return None

    assert not describe(Later).is_dual_mode
    assert describe(Later).pair("get_user").hazard is not None
    adapted = dual_mode(Later)
    assert adapted is not Later
    assert describe(adapted).is_dual_mode


async def test_derived_sync_side_follows_each_new_event_loop() -> None:
    class Backend(DualModeMixin):
        async def aget_user(self, user_id: int) -> int:
            return id(asyncio.get_running_loop())

    loop_id = id(asyncio.get_running_loop())
    assert await sync_to_async(Backend().get_user)(1) == loop_id


def test_derived_sync_side_follows_a_second_event_loop_too() -> None:
    class Backend(DualModeMixin):
        async def aget_user(self, user_id: int) -> int:
            return id(asyncio.get_running_loop())

    async def in_worker_thread() -> bool:
        ran_on: int = await sync_to_async(Backend().get_user)(1)
        return ran_on == id(asyncio.get_running_loop())

    assert asyncio.run(in_worker_thread())
    assert asyncio.run(in_worker_thread())


def test_dual_mode_honours_a_metaclass_prepare() -> None:
    class Prepared(type):
        @classmethod
        def __prepare__(  # type: ignore[override]
            mcs, name: str, bases: tuple[type, ...], **kwargs: Any
        ) -> dict[str, Any]:
            return {"prepared_by": "Prepared"}

        def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> Prepared:
            assert ns["prepared_by"] == "Prepared"
            return super().__new__(mcs, name, bases, ns)

    class Backend(metaclass=Prepared):
        def get_user(self, user_id: int) -> str:
            return "ok"

    adapted = dual_mode(Backend)
    assert type(adapted) is Prepared
    assert async_to_sync(adapted().aget_user)(1) == "ok"
