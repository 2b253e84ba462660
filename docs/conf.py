"""Sphinx configuration: the furo theme, Markdown pages (MyST), autodoc, doctests.

Django is configured here, before any extension runs: autodoc imports modules
that need the app registry, and the doctest builder runs the pages' examples
against a real database (SQLite, in memory) in this same process.
"""

from __future__ import annotations

import sys
from dataclasses import is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# The packages, and docs/examples as ``docs.examples`` (the pages import it).
sys.path.insert(0, str(ROOT))

from docs.examples import settings as example_settings  # noqa: E402 (needs the path above)

settings.configure(
    **{name: getattr(example_settings, name) for name in dir(example_settings) if name.isupper()}
)
django.setup()

project = "auth-backend-sdk"
author = "auth-backend-sdk authors"
copyright = "auth-backend-sdk authors"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
]
# No intersphinx: it downloads inventories at build time, and the build must
# work offline. References to Django, asgiref and the standard library are
# therefore plain text (see nitpick_ignore_regex below).

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_static", "examples"]

myst_enable_extensions = ["deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "auth-backend-sdk"

# Every cross-reference must resolve: a typo in a docstring fails the build.
nitpicky = True
nitpick_ignore_regex = [
    # Third-party and standard-library names: without intersphinx there is no
    # inventory to resolve them against.
    ("py:class", r"(django|asgiref|concurrent|collections|enum|types)\..*"),
    # Names type hints use through `if TYPE_CHECKING:` imports, which autodoc
    # cannot evaluate, so it keeps them as written.
    ("py:class", r"HttpRequest|HttpResponseBase|Model|AnonymousUser|AbstractBaseUser|ModuleType"),
    # A private base the reference middleware's "Bases:" line names (reference_sessions.md
    # explains what it does).
    ("py:class", r"reference_backends\.middleware\._hooks\.HooksInEitherMode"),
    # Private type variables of generic classes and protocols.
    ("py:(class|obj)", r"(.*\.)?_\w*T(_co|_contra)?"),
]

autodoc_typehints = "description"
autodoc_member_order = "bysource"

# Each page's doctests run in one group; each group starts from empty tables.
doctest_global_setup = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""
doctest_global_cleanup = """
from django.core.management import call_command
call_command("flush", interactive=False, verbosity=0)
"""


def _constructor_signature(
    app: Any, what: str, name: str, obj: object, options: Any, signature: str, annotation: str
) -> tuple[str, str] | None:
    """No signature for Protocols and Enums: nobody calls them to build one.

    Autodoc would show ``(*args, **kwargs)`` for a Protocol and ``(*values)``
    for an Enum on Python 3.12 and later.
    """
    if what == "class" and (_is_protocol(obj) or (isinstance(obj, type) and issubclass(obj, Enum))):
        return "", annotation
    return None


def _is_protocol(obj: object) -> bool:
    return bool(getattr(obj, "_is_protocol", False))


def _drop_generated_docstring(
    app: Any, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """A dataclass without a docstring gets one that repeats its signature: drop it."""
    if what == "class" and is_dataclass(obj) and lines[:1] == [f"{getattr(obj, '__name__', '')}("]:
        lines.clear()


def setup(app: Any) -> None:
    app.connect("autodoc-process-signature", _constructor_signature)
    app.connect("autodoc-process-docstring", _drop_generated_docstring)
    # Settings get a target of their own, as in Django's documentation:
    # {setting}`REFERENCE_BACKENDS_ORM_CONCURRENCY` links to its definition.
    app.add_crossref_type("setting", "setting", indextemplate="pair: %s; setting")
