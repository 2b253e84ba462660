"""Views a request through the session and auth middleware may reach, one per scenario.

The same views ``bench/session_hops.py`` counts hops through, so that the tests
and the bench measure one thing.
"""

from __future__ import annotations

from django.urls import path

from bench.session_hops import authenticated, nothing, read_only, read_write

urlpatterns = [
    path("read-only/", read_only),
    path("read-write/", read_write),
    path("authenticated/", authenticated),
    path("trivial/", nothing),  # touches neither the session nor the user: the baseline
]
