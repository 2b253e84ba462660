"""Native async reference backends, drop-in for Django's.

Filled by the reference-backends issue.
"""
