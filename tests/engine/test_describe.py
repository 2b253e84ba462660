"""``describe()``: native, derived or missing, and where each side comes from."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.core.exceptions import ImproperlyConfigured

from auth_backend_sdk import DualModeMixin, MethodPair, describe
from auth_backend_sdk.engine.description import Hazard, Status
from tests import backends, wrapped


def test_a_shadowed_backend_as_written() -> None:
    described = describe(backends.LockoutBackend)
    assert not described.is_dual_mode
    authenticate = described.pair("authenticate")
    assert authenticate.sync.status is Status.NATIVE
    assert authenticate.sync.defined_in is backends.LockoutBackend
    assert authenticate.async_.status is Status.NATIVE
    assert authenticate.async_.defined_in is ModelBackend
    assert authenticate.hazard is Hazard.ASYNC_SHADOWED
    assert [p.pair.sync_name for p in described.hazards] == ["authenticate"]


def test_the_same_backend_adapted() -> None:
    described = describe(wrapped.LockoutBackend)
    assert described.is_dual_mode
    authenticate = described.pair("authenticate")
    assert authenticate.async_.status is Status.DERIVED
    assert authenticate.async_.derived_from == "LockoutBackend.authenticate"
    assert authenticate.hazard is None
    all_permissions = described.pair("get_all_permissions")
    assert all_permissions.async_.derived_from == "ModelBackend.get_all_permissions"
    assert described.hazards == ()


def test_django_defaults_are_shown_as_derived() -> None:
    described = describe(ModelBackend)
    side = described.pair("get_all_permissions").async_
    assert side.status is Status.DERIVED
    assert side.library_default
    assert side.derived_from == "aget_user_permissions() + aget_group_permissions()"
    assert str(side) == "Django default in BaseBackend"
    assert described.pair("configure_user").absent


def test_missing_sides_and_absent_pairs() -> None:
    described = describe(backends.OneTimeCodeBackend)
    assert described.pair("authenticate").sync.status is Status.MISSING
    assert described.pair("authenticate").hazard is Hazard.SYNC_MISSING
    assert described.pair("has_perm").absent
    assert described.pair("has_perm").verdict == "absent"
    with pytest.raises(KeyError):
        described.pair("no_such_method")


def test_instances_classes_and_dotted_paths_describe_the_same_class() -> None:
    by_class = describe(backends.TokenBackend)
    assert describe(backends.TokenBackend()) == by_class
    by_path = describe("tests.backends.TokenBackend")
    assert by_path.pairs == by_class.pairs
    assert by_path.path == by_class.path == "tests.backends.TokenBackend"
    assert describe("tests.wrapped.RulesBackend").path == "tests.wrapped.RulesBackend"


def test_the_table_shows_every_defined_pair() -> None:
    table = str(describe(backends.LockoutBackend))
    lines = table.splitlines()
    assert lines[0] == "docs.examples.tutorial.before.LockoutBackend (not dual-mode)"
    assert lines[1].split() == ["pair", "sync", "async", "verdict"]
    authenticate = next(line for line in lines if line.strip().startswith("authenticate"))
    assert "native in LockoutBackend" in authenticate
    assert "native in ModelBackend" in authenticate
    assert authenticate.endswith("async-shadowed")
    assert lines[-1] == "  absent: configure_user"
    adapted = str(describe(wrapped.LockoutBackend))
    assert "derived from LockoutBackend.authenticate" in adapted
    assert "(dual-mode)" in adapted.splitlines()[0]


@pytest.mark.parametrize(
    ("argument", "error"),
    [(3.5, TypeError), ("no.such.Backend", ImproperlyConfigured), (len, TypeError)],
)
def test_wrong_arguments_get_clear_errors(argument: object, error: type) -> None:
    with pytest.raises(error, match=r"describe\(\)"):
        describe(argument)


def test_django_defaults_are_recognised_when_the_path_imports_django_backends() -> None:
    """In a fresh process, describe() by path must import first, then classify."""
    script = (
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=["
        "'django.contrib.contenttypes', 'django.contrib.auth']); "
        "django.setup(); from auth_backend_sdk import describe; "
        "print(describe('django.contrib.auth.backends.ModelBackend').hazards)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "()"


def test_missing_sides_show_in_the_table_and_full_backends_list_nothing_absent() -> None:
    table = str(describe(backends.OneTimeCodeBackend))
    authenticate = next(line for line in table.splitlines() if "authenticate" in line)
    assert authenticate.split()[1] == "missing"
    assert authenticate.endswith("sync-missing")
    assert "absent:" not in str(describe(RemoteUserBackend))


def test_pairs_can_be_chosen() -> None:
    described = describe(ModelBackend, pairs=[MethodPair("get_user", "aget_user")])
    assert [p.pair for p in described.pairs] == [MethodPair("get_user", "aget_user")]


def test_a_source_replaced_later_is_followed_where_it_is_defined_and_flagged_elsewhere() -> None:
    class Patched(DualModeMixin):
        def get_user(self, user_id: int) -> str | None:
            return None

        async def aget_group_permissions(self, user_obj: object, obj: object = None) -> set[str]:
            return set()

    class Inheriting(Patched):
        pass

    def replacement(self: object, user_id: int) -> str:
        return "replaced"

    async def areplacement(self: object, user_obj: object, obj: object = None) -> set[str]:
        return {"app.x"}

    Inheriting.get_user = replacement  # type: ignore[method-assign]
    Inheriting.aget_group_permissions = areplacement  # type: ignore[method-assign]
    described = describe(Inheriting)
    assert described.pair("get_user").hazard is Hazard.ASYNC_SHADOWED
    assert described.pair("get_group_permissions").hazard is Hazard.SYNC_SHADOWED

    Patched.get_user = replacement  # type: ignore[method-assign]
    Patched.aget_group_permissions = areplacement  # type: ignore[method-assign]
    assert describe(Patched).hazards == ()
    derived: Any = Patched()  # its derived sides are invisible to mypy
    assert async_to_sync(derived.aget_user)(1) == "replaced"
    assert derived.get_group_permissions(None) == {"app.x"}


def test_namesake_classes_on_the_two_sides_of_a_pair_are_named_with_their_module() -> None:
    def get_user(self: object, user_id: int) -> None:
        return None

    # As sesame.backends.ModelBackend subclasses Django's ModelBackend.
    namesake = type("ModelBackend", (ModelBackend,), {"__module__": "thirdparty.backends"})
    namesake.get_user = get_user  # type: ignore[attr-defined]
    described = describe(namesake)
    assert str(described.pair("get_user").sync) == "native in thirdparty.backends.ModelBackend"
    assert str(described.pair("get_user").async_) == (
        "native in django.contrib.auth.backends.ModelBackend"
    )
    assert str(described.pair("has_perm").sync) == "native in ModelBackend"
