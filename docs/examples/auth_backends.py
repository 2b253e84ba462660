"""The project's own module of adapted backends: one line each.

``AUTHENTICATION_BACKENDS`` lists these paths, not the originals.
"""

from auth_backend_sdk import dual_mode

LockoutBackend = dual_mode("docs.examples.hazards.LockoutBackend")
ReviewerPermissionBackend = dual_mode("docs.examples.hazards.ReviewerPermissionBackend")
OneTimeCodeBackend = dual_mode("docs.examples.hazards.OneTimeCodeBackend")
ObjectPermissionBackend = dual_mode("rules.permissions.ObjectPermissionBackend")
