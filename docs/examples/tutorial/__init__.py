"""The tutorial's backend, before and after it is made dual-mode, and its contract test."""
