# Local stubs for the parts of django-sesame the tests use (it ships no annotations).
