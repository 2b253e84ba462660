# Local stubs for the parts of django-oauth-toolkit the tests and docs examples use (it
# ships no annotations).
