"""Models of the dashboards app: none yet; see docs/architecture.md for where they will go."""
