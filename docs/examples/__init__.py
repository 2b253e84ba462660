"""Runnable examples the documentation includes.

The pages show these files with ``literalinclude`` and run them in doctests;
``tests/test_docs_examples.py`` runs them again, in both modes, on every
database and Django version of the test matrix.
"""
