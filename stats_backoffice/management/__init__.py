"""Management commands of the statistical back office."""
