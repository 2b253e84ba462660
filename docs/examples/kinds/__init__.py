"""Contracts for each kind of backend: ``docs/howto/contracts_for_each_kind.md``.

Real packages from PyPI, each adapted with ``dual_mode()`` in ``backends.py``, with the
contract module the ``check`` command runs against it.
"""
