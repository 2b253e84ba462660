"""``python -m auth_backend_sdk check DOTTED.PATH``: see :mod:`auth_backend_sdk.cli`."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
