"""The project's own hazardous stores, each with ``DualModeSessionMixin`` first in the bases."""
