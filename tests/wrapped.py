"""The backends of ``tests/backends.py`` and two from PyPI, each adapted with one line."""

from auth_backend_sdk import dual_mode

LockoutBackend = dual_mode("tests.backends.LockoutBackend")
TokenBackend = dual_mode("tests.backends.TokenBackend")
EmailOnlyBackend = dual_mode("tests.backends.EmailOnlyBackend")
OwnerPermissionBackend = dual_mode("tests.backends.OwnerPermissionBackend")
OneTimeCodeBackend = dual_mode("tests.backends.OneTimeCodeBackend")

RulesBackend = dual_mode("rules.permissions.ObjectPermissionBackend")
GuardianBackend = dual_mode("guardian.backends.ObjectPermissionBackend")
NoDeletionBackend = dual_mode("tests.backends.NoDeletionBackend")
