"""The session contract classes run under Django's own test runner, unchanged."""

from __future__ import annotations

from tests.django_runner import django_test


def test_django_test_runner_runs_the_session_contract() -> None:
    report = django_test(
        "tests.sessions.contract.test_django_engines.TestDjangoDbStore",
        "tests.sessions.contract.test_third_party_stores.TestAdaptedQSessions",
    )
    assert "test_session_parity" in report
    assert "test_subclass_overriding_load_is_followed_async" in report
    assert "expected failure" in report
    assert "skipped 'needs records extra data, which SessionStore does not declare'" in report
    assert "OK (skipped=1, expected failures=3)" in report
