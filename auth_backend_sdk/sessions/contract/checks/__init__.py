"""The session-store contract's checks, one module per concern."""
