from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Note

# ModelAdmin is generic for the type checker only (django-stubs), not at run time.
if TYPE_CHECKING:
    NoteAdminBase = admin.ModelAdmin[Note]
else:
    NoteAdminBase = admin.ModelAdmin


@admin.register(Note)
class NoteAdmin(NoteAdminBase):
    list_display = ["title", "owner"]
