"""Structure: each pair Django calls has both sides, running one definition.

Read from the class with :func:`~auth_backend_sdk.describe`, no hook needed:
a missing async twin (``User.ahas_perm()`` skips the backend, Django's
``aauthenticate()`` crashes), or a side that bypasses an override of its
twin (a SAML-only backend's inherited ``aauthenticate`` accepting a username
and a password). For a class that is not a login backend (its
``authenticate`` cannot take Django's request), the login pairs do not
count: Django never calls them; nor do the hook pairs (``configure_user``,
``_get_permissions``) of a class that does not inherit the Django class
calling them.
"""

from __future__ import annotations

from ....engine.description import describe
from ....testing._reporting import fail
from ....testing.harness import check
from ...family import AUTHENTICATION, AUTHENTICATION_PAIRS
from ..base import AuthContractBase
from ..capabilities import CredentialStyle, credential_style

__all__ = ["StructureChecks"]

_LOGIN_PAIRS = {pair.sync_name for pair in AUTHENTICATION_PAIRS}
_NOT_CALLED_BY_DJANGO = (CredentialStyle.NO_REQUEST, CredentialStyle.NONE)


class StructureChecks(AuthContractBase):
    @check(modes=())
    def each_pair_follows_one_definition(self) -> None:
        """Each pair Django calls has both sides, and each side runs the same definition."""
        logs_in = credential_style(self.backend_class) not in _NOT_CALLED_BY_DJANGO
        hazards = [
            described
            for described in describe(self.backend_class, family=AUTHENTICATION).hazards
            if (logs_in or described.pair.sync_name not in _LOGIN_PAIRS)
            and AUTHENTICATION.takes_part(self.backend_class, described.pair)
        ]
        if hazards:
            raise fail(
                f"{len(hazards)} of the pairs Django calls do not follow one definition",
                *(
                    f"{d.pair.sync_name}: {d.sync}; {d.pair.async_name}: {d.async_} ({d.verdict})"
                    for d in hazards
                ),
                "Adapt the class with dual_mode() (or put DualModeMixin first in its bases).",
            )
