"""The kinds the docs do not show, adapted with one line each."""

from auth_backend_sdk import dual_mode

# OpenID Connect: reads code and state from the query string, asks the provider over HTTP.
OIDCAuthenticationBackend = dual_mode("mozilla_django_oidc.auth.OIDCAuthenticationBackend")
# A signed token passed as a keyword credential (django-sesame's magic links).
SesameBackend = dual_mode("sesame.backends.ModelBackend")
