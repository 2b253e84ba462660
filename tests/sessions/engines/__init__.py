"""One ``SESSION_ENGINE`` module per store the system checks are tried on.

Each module defines ``SessionStore``, as Django's ``SessionMiddleware`` expects
(``import_module(SESSION_ENGINE).SessionStore``). The modules here are written
as projects write them, without this SDK; ``adapted/`` wraps each hazardous one
with ``dual_mode()``, and ``mixin/`` subclasses the project's own with
``DualModeSessionMixin`` first in the bases (all but ``revoking_db_hook``: see
``tests/sessions/test_system_checks.py``). A few modules are broken on purpose
(``auth_backend_sdk.E104``): nothing imports them but the checks.
"""
