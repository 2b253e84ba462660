"""``SESSION_ENGINE`` modules of the real third-party stores, adapted with ``dual_mode()``.

One module per engine, each defining ``SessionStore`` as a project's own
``myproject/sessions.py`` would (Django imports ``SESSION_ENGINE`` and takes its
``SessionStore``).
"""
