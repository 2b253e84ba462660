"""Native async reference backends, drop-in for Django's (filled by the reference-backends issue)."""
