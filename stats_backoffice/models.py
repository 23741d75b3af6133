"""Models of the stats_backoffice app: none yet; see docs/architecture.md for where they will go."""
