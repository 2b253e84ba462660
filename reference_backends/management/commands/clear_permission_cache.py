"""``manage.py clear_permission_cache``: every entry of the shared permission cache made stale.

For changes Django's signals do not report (``QuerySet.update()``, raw SQL, a
fixture loaded with ``loaddata --raw``...): every worker's next check of every
user goes to the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ..._shared_permissions import CACHE_SETTING, clear_all, shared_permissions


class Command(BaseCommand):
    help = "Make every entry of REFERENCE_BACKENDS_PERMISSION_CACHE stale, in every worker."

    def handle(self, *args: Any, **options: Any) -> None:
        shared = shared_permissions()
        if shared is None:
            raise CommandError(f"{CACHE_SETTING} names no cache: there is nothing to clear.")
        if not clear_all():
            raise CommandError(
                f"The permission cache {shared.alias!r} did not answer: entries expire after "
                f"{shared.timeout()} seconds."
            )
        self.stdout.write(f"Every entry of the permission cache {shared.alias!r} is now stale.")
