"""The contract suite and the ``check`` command on real backends of each kind, from PyPI.

Each package's class as shipped and adapted with ``dual_mode()``, with and without a
contract module, on the project's settings (``settings.py``); identity providers are
stubbed at the HTTP boundary only (``oidc_provider.py``).
"""
