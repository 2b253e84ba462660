"""The check command resolves each backend once, and infers its capabilities once.

* Each ``DOTTED.PATH`` is looked up once, for planning, ``describe()`` and every
  contract test: a module counts the lookups of its class (PEP 562
  ``__getattr__``), as the command runs the whole suite against it.
* Each contract class infers the backend's capabilities once, not at each of its
  tests; a contract that declares them infers nothing; and the inference is kept
  by backend class, so that another backend set on the class is inferred anew.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import cast

import pytest

from auth_backend_sdk.auth.contract import base, capabilities
from auth_backend_sdk.testing import AuthBackendContract, Capability, infer_capabilities
from auth_backend_sdk.testing._runner import plan_contracts, run_contracts, run_plans
from auth_backend_sdk.testing.harness import ContractBase

from .test_check_command_environment import run_check

MODEL_BACKEND = "reference_backends.ModelBackend"
REMOTE_USER_BACKEND = "reference_backends.RemoteUserBackend"

COUNTED = '''\
"""A backend whose every lookup by name is printed, saying which are Django's own imports."""

import sys

from django.contrib.auth.backends import ModelBackend

from auth_backend_sdk import DualModeMixin


class _Backend(DualModeMixin, ModelBackend):
    pass


def __getattr__(name):
    if name != "CountedBackend":
        raise AttributeError(name)
    frame, django = sys._getframe(1), False
    while frame is not None:
        # Django's load_backend(), and the checks making sure it can import the path.
        django = django or frame.f_code.co_name in ("load_backend", "backend_path")
        frame = frame.f_back
    print("looked up CountedBackend" + (" as Django does" if django else ""), file=sys.stderr)
    return _Backend
'''


def test_the_command_looks_each_backend_up_once(tmp_path: Path) -> None:
    (tmp_path / "counted.py").write_text(COUNTED)
    done = run_check("counted.CountedBackend", "--json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr  # the whole suite ran
    lookups = Counter(line for line in done.stderr.splitlines() if "looked up" in line)
    # The checks of Django's dispatch import the path as Django does (AUTHENTICATION_BACKENDS):
    # lookups the module counts. Everything else uses the class the command resolved.
    assert lookups["looked up CountedBackend as Django does"] > 0
    assert lookups["looked up CountedBackend"] == 1, done.stderr


@pytest.fixture
def inferences(monkeypatch: pytest.MonkeyPatch) -> Counter[type]:
    """The backend classes the contract classes infer capabilities of, counted."""
    calls: Counter[type] = Counter()

    def counting(backend_class: type) -> frozenset[Capability]:
        calls[backend_class] += 1
        return capabilities.infer_capabilities(backend_class)

    # The name the contract classes call (the family's suites choosing which run is another).
    monkeypatch.setattr(base, "infer_capabilities", counting)
    return calls


LOGIN_CHECKS = ["get_user_returns_the_user", "wrong_credentials_give_none"]
CHECKS = [*LOGIN_CHECKS, "anonymous_users_have_no_permissions", "permission_parity"]


@pytest.mark.django_db(transaction=True)
def test_a_contract_class_infers_the_capabilities_once(inferences: Counter[type]) -> None:
    (plan,) = plan_contracts([MODEL_BACKEND], only=CHECKS)
    (report,) = run_plans([plan])
    assert len(report.results) >= 7  # each test asks for the capabilities
    assert report.capabilities_inferred
    assert Capability.PASSWORD_CREDENTIALS in report.capabilities
    assert report.contracts == ["AuthAndPermissionContract"]  # one class: both suites
    assert inferences == {plan.target.cls: 1}


class DeclaringContract(AuthBackendContract):
    """Declares its capabilities: nothing is inferred."""

    backend = MODEL_BACKEND
    capabilities = {Capability.PASSWORD_CREDENTIALS, Capability.GET_USER}


@pytest.mark.django_db(transaction=True)
def test_a_contract_that_declares_capabilities_infers_none(inferences: Counter[type]) -> None:
    module = sys.modules[__name__]
    (report,) = run_contracts([MODEL_BACKEND], contract_module=module, only=LOGIN_CHECKS)
    assert not report.capabilities_inferred
    assert report.count("passed") > 0
    assert inferences == {}


def test_the_inference_is_kept_by_backend_class_and_never_goes_stale() -> None:
    (plan,) = plan_contracts([MODEL_BACKEND])
    (contract,) = plan.contracts
    model_backend = contract.declared_capabilities()
    assert model_backend == infer_capabilities(plan.target.cls)
    contract.backend = REMOTE_USER_BACKEND
    remote_user = contract.declared_capabilities()
    assert remote_user == infer_capabilities(contract.load_backend_class())
    assert remote_user != model_backend
    contract.backend = MODEL_BACKEND
    assert contract.declared_capabilities() == model_backend
    # A subclass may write other hooks: it infers for itself.
    subclass = cast("type[ContractBase]", type("Subclass", (contract,), {"__module__": __name__}))
    assert subclass.declared_capabilities() == model_backend
    assert "_inferred" not in vars(subclass)
