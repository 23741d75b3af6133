"""Models of the projects app: none yet; see docs/architecture.md for where they will go."""
