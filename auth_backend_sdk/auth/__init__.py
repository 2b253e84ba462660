"""The authentication family: Django authentication backends, made dual-mode.

* :mod:`.family`: the pairs and Django's defaults, declared once;
* :mod:`.mixin`, :mod:`.backends`: ``DualModeMixin`` and ``BaseBackend``;
* :mod:`.protocols`: typing Protocols for sync, async and dual-mode backends;
* :mod:`.system_checks`: the checks over ``AUTHENTICATION_BACKENDS``;
* :mod:`.contract`: the contract suites and the capabilities they infer.

Importing this package imports nothing from ``django.contrib.auth``.
"""
