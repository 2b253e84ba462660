"""The tutorial's contract test, for ``manage.py test`` and pytest alike."""

from __future__ import annotations

from django.test import TestCase

from .contract import LockoutBackendContract


class TestLockoutBackend(LockoutBackendContract, TestCase):
    backend = "docs.examples.tutorial.after.LockoutBackend"
