"""Create the example site's users, groups and notes (again, if they exist).

    python -m django seed_example_site --settings examples.site.settings --password '...'

Every user gets the same password: ``--password``, else ``SITE_DEMO_PASSWORD``.

* alice: reads notes (group "readers"), owns one;
* bob: no permissions, owns one;
* carol: staff and a reader, so the admin shows her the notes;
* dave: staff without permissions, so the admin refuses him the notes.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from examples.site.notes.models import Note


class DemoUser(NamedTuple):
    is_staff: bool
    groups: list[str]


USERS = {
    "alice": DemoUser(is_staff=False, groups=["readers"]),
    "bob": DemoUser(is_staff=False, groups=[]),
    "carol": DemoUser(is_staff=True, groups=["readers"]),
    "dave": DemoUser(is_staff=True, groups=[]),
}
NOTES = {"alice": "Alice's shopping list", "bob": "Bob's to-do list"}


class Command(BaseCommand):
    help = "Create the example site's users, groups and notes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="default: the SITE_DEMO_PASSWORD variable")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or os.environ.get("SITE_DEMO_PASSWORD")
        if not password:
            raise CommandError("Give the users' password: --password or SITE_DEMO_PASSWORD.")
        # One hash for all: with PBKDF2 each one takes most of a second.
        hashed = make_password(password)
        with transaction.atomic():
            readers, _ = Group.objects.get_or_create(name="readers")
            readers.permissions.set(
                [Permission.objects.get_by_natural_key("view_note", "notes", "note")]
            )
            for username, demo in USERS.items():
                user, _ = User.objects.update_or_create(
                    username=username, defaults={"is_staff": demo.is_staff, "password": hashed}
                )
                user.groups.set(Group.objects.filter(name__in=demo.groups))
            for username, title in NOTES.items():
                Note.objects.get_or_create(title=title, owner=User.objects.get(username=username))
        self.stdout.write(f"Seeded users: {', '.join(USERS)}.")
