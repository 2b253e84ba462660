"""The reference middleware, under WSGI and ASGI, with Django's middleware as the oracle."""
