"""What the package says about itself matches what the test matrix runs.

Building, installing and smoke-testing the wheel and the sdist is ``nox -s package``.
"""

from __future__ import annotations

from pathlib import Path

import django
import tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_classifiers_name_the_django_series_under_test() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    series = f"{django.VERSION[0]}.{django.VERSION[1]}"
    assert f"Framework :: Django :: {series}" in project["classifiers"]
