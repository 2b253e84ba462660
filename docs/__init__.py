"""The documentation. A package so that ``docs.examples`` imports the same way everywhere."""
