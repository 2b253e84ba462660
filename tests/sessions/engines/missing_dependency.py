"""Broken on purpose: it needs a package that is not installed."""

from __future__ import annotations

import abs_no_such_session_backend  # type: ignore[import-not-found]  # noqa: F401
