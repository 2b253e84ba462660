from __future__ import annotations

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "examples.site.notes"
    label = "notes"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
