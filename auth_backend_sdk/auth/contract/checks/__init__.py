"""The contract's checks, one module per concern."""
