"""The contract ``bench/suite_strength.py`` runs each mutant with: drop-ins, held to the oracle.

A mutant stands for an edit to the reference ``ModelBackend``, which claims
to answer as Django's: its answers are compared with those Django's tables
give, as the reference's own are (``answers_as_model_backend``). Its class
names no backend, so the check command applies it to each one checked.
"""

from __future__ import annotations

from auth_backend_sdk.testing import AuthBackendContract, PermissionBackendContract


class DropInContract(AuthBackendContract, PermissionBackendContract):
    answers_as_model_backend = True
