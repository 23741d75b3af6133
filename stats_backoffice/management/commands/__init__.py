"""run_analysis: the CLI of the statistical engine."""
