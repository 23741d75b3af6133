"""Models of the knowledge app: none yet; see docs/architecture.md for where they will go."""
