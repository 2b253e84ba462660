"""The tutorial shows Django 6.1's output, and says what Django 5.2 prints more: both true."""

from __future__ import annotations

import django

from docs.examples.check_command import check
from tests.test_docs_examples import TUTORIAL, in_order, shown_run

DJANGO_52_MARKER = "% check-output-django-5.2: before\n"


def shown_for_django_52(page: str) -> list[str]:
    block = page.partition(DJANGO_52_MARKER)[2].partition("```text\n")[2]
    return block.partition("\n```")[0].splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("  FAILED  ")]


def test_the_first_run_prints_what_the_page_shows_for_the_running_django() -> None:
    page = TUTORIAL.read_text(encoding="utf-8")
    arguments, shown = shown_run(page, "before")
    extra = shown_for_django_52(page)
    assert failures(extra) == ["  FAILED  login_does_not_block_the_event_loop (async)"]
    printed = check(*arguments).stdout.splitlines()
    if django.VERSION[:2] == (5, 2):
        assert in_order(extra, printed) == []
        assert sorted(failures(printed)) == sorted(failures(extra) + failures(shown))
    else:
        assert failures(printed) == failures(shown)
