"""The hazardous engines of the package above, each adapted with ``dual_mode()``."""
