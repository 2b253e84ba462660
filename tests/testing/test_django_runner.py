"""The contract classes run under Django's own test runner, unchanged."""

from __future__ import annotations

from tests.django_runner import django_test


def test_django_test_runner_runs_the_contract() -> None:
    report = django_test(
        "tests.auth.contract.test_reference_backends.TestReferenceModelBackend",
        "tests.auth.contract.test_django_builtins.TestDjangoRemoteUserBackend",
    )
    assert "test_authentication_parity" in report
    assert "skipped 'needs object permissions, which ModelBackend does not declare'" in report
    assert "test_subclass_overriding_authenticate_is_followed_async" in report
    assert "expected failure" in report
    assert "OK (skipped=" in report
