"""The project's adapted backends, one line each: ``AUTHENTICATION_BACKENDS`` lists these."""

from auth_backend_sdk import dual_mode

# A header token: django-oauth-toolkit reads "Authorization: Bearer ..." from the request.
OAuth2Backend = dual_mode("oauth2_provider.backends.OAuth2Backend")
# An assertion: djangosaml2 logs in the subject of a SAML assertion its view has verified.
Saml2Backend = dual_mode("djangosaml2.backends.Saml2Backend")
# Object permissions from rules' predicates.
ObjectPermissionBackend = dual_mode("rules.permissions.ObjectPermissionBackend")
# A permission-only class: bridgekeeper's authenticate(**kwargs) cannot take a request.
RulePermissionBackend = dual_mode("bridgekeeper.backends.RulePermissionBackend")
