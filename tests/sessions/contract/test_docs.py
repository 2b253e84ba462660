"""The reference page's table of session checks, and the how-to's example failure, as they are."""

from __future__ import annotations

import re

import pytest

from auth_backend_sdk.testing import ContractFailure, SessionStoreContract
from tests.sessions.contract import test_third_party_stores as third_party
from tests.test_docs_examples import DOCS, documented_row, rows_of_section

HOWTO = DOCS / "howto" / "run_the_contract_suite.md"


def test_the_reference_lists_every_session_check_as_declared() -> None:
    documented = rows_of_section("Session stores")
    declared = {
        name: documented_row(check)
        for name, check in SessionStoreContract.__contract_checks__.items()
    }
    assert documented == declared


def shown_failure() -> list[str]:
    """The failure the how-to shows, line by line ("..." where it cuts a row short)."""
    page = HOWTO.read_text(encoding="utf-8")
    block = page.partition("rows cut short here):\n\n```text\n")[2].partition("\n```")[0]
    return block.splitlines()


@pytest.mark.django_db
def test_the_howto_shows_what_qsessions_as_shipped_records_in_async_mode() -> None:
    check = SessionStoreContract.__contract_checks__["extra_data_is_recorded_alike"]
    with pytest.raises(ContractFailure) as failure:
        check.function(third_party.TestQSessionsAsShipped())
    printed = str(failure.value)
    lines = shown_failure()
    assert len(lines) == 3
    for line in lines:
        pattern = ".*".join(re.escape(part) for part in line.strip().split("..."))
        pattern = pattern.replace(r"'user_id':\ 2", r"'user_id':\ \d+")
        assert re.search(pattern, printed), (line, printed)
