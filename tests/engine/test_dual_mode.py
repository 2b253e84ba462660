"""``dual_mode()``: adapting existing backend classes without touching them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth import load_backend
from django.contrib.auth.backends import (
    AllowAllUsersModelBackend,
    BaseBackend,
    ModelBackend,
    RemoteUserBackend,
)
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from auth_backend_sdk import DualModeMixin, describe, dual_mode
from auth_backend_sdk.testing import Mode
from tests import backends, wrapped

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_original_class_is_left_untouched() -> None:
    before = dict(backends.LockoutBackend.__dict__)
    adapted = dual_mode(backends.LockoutBackend)
    assert dict(backends.LockoutBackend.__dict__) == before
    assert backends.LockoutBackend.aauthenticate is ModelBackend.aauthenticate
    assert not issubclass(backends.LockoutBackend, DualModeMixin)
    assert issubclass(adapted, backends.LockoutBackend)
    assert issubclass(adapted, ModelBackend)


def test_the_adapted_class_keeps_its_name_and_lives_where_it_is_assigned() -> None:
    assert wrapped.LockoutBackend.__name__ == "LockoutBackend"
    assert wrapped.LockoutBackend.__qualname__ == "LockoutBackend"
    assert wrapped.LockoutBackend.__module__ == "tests.wrapped"
    assert wrapped.LockoutBackend.__doc__ == backends.LockoutBackend.__doc__
    assert dual_mode(backends.TokenBackend, module="elsewhere").__module__ == "elsewhere"
    assert isinstance(load_backend("tests.wrapped.LockoutBackend"), wrapped.LockoutBackend)


def test_a_dotted_path_and_the_class_give_equivalent_adaptations() -> None:
    by_path = dual_mode("tests.backends.EmailOnlyBackend")
    by_class = dual_mode(backends.EmailOnlyBackend)
    assert by_path.__mro__[1:] == by_class.__mro__[1:]


def test_an_already_dual_mode_class_is_returned_as_it_is() -> None:
    assert dual_mode(wrapped.TokenBackend) is wrapped.TokenBackend


@pytest.mark.parametrize(
    "django_class", [BaseBackend, ModelBackend, AllowAllUsersModelBackend, RemoteUserBackend]
)
def test_django_classes_adapt_without_hazards(django_class: type) -> None:
    adapted: type = dual_mode(django_class)
    assert isinstance(adapted(), django_class)
    assert describe(adapted).hazards == ()


def test_adapted_django_model_backend_behaves_like_the_original(
    backend_mode: Mode, db: None
) -> None:
    user = User.objects.create_user("carol", password="carol-password")
    adapted = dual_mode(ModelBackend)()
    assert backend_mode.call(
        adapted, "authenticate", None, username="carol", password="carol-password"
    )
    assert backend_mode.call(adapted, "authenticate", None, username="carol", password="x") is None
    assert backend_mode.call(adapted, "get_user", user.pk) == user
    assert backend_mode.call(adapted, "get_all_permissions", user) == set()


def test_a_class_with_no_base_at_all_is_adapted(backend_mode: Mode) -> None:
    class Bare:
        def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
            return perm == "app.allowed"

    adapted = dual_mode(Bare)
    assert adapted.__mro__[-1] is object
    assert backend_mode.call(adapted(), "has_perm", None, "app.allowed") is True
    assert backend_mode.call(adapted(), "has_perm", None, "app.other") is False


@pytest.mark.parametrize(
    ("argument", "error", "message"),
    [
        (
            42,
            TypeError,
            r"dual_mode\(\) expects a backend class or its dotted import path, got 42 \(int\)",
        ),
        (ModelBackend(), TypeError, r"got <django\.contrib\.auth\.backends\.ModelBackend object"),
        (
            "no.such.module.Backend",
            ImproperlyConfigured,
            r"could not import 'no\.such\.module\.Backend'",
        ),
        (
            "tests.backends.NoSuchBackend",
            ImproperlyConfigured,
            r"could not import 'tests\.backends\.NoSuchBackend'",
        ),
        ("nodots", ImproperlyConfigured, r"could not import 'nodots'"),
        ("tests.testapp.models.Lockout", TypeError, r"defines none of: authenticate, get_user"),
        ("os.path.join", TypeError, r"expects 'os\.path\.join' to name a backend class"),
    ],
)
def test_wrong_arguments_get_clear_errors(
    argument: object, error: type, message: str | None
) -> None:
    with pytest.raises(error, match=message):
        dual_mode(argument)  # type: ignore[call-overload]


def test_django_loads_the_adapted_class_in_another_process(tmp_path: Path) -> None:
    """A fresh interpreter imports the user's module by the path in AUTHENTICATION_BACKENDS."""
    (tmp_path / "myproject_backends.py").write_text(
        "from auth_backend_sdk import dual_mode\n"
        "LockoutBackend = dual_mode('tests.backends.LockoutBackend')\n"
    )
    script = textwrap.dedent(
        """
        import inspect
        import django
        from django.conf import settings
        settings.configure(
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "tests.testapp"],
            AUTHENTICATION_BACKENDS=["myproject_backends.LockoutBackend"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        )
        django.setup()
        from django.contrib.auth import get_backends
        from auth_backend_sdk import describe
        backend, = get_backends()
        print(type(backend).__module__, type(backend).__name__)
        print(inspect.iscoroutinefunction(backend.aauthenticate))
        print(describe(backend).pair("authenticate").async_.derived_from)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "myproject_backends LockoutBackend",
        "True",
        "LockoutBackend.authenticate",
    ]
