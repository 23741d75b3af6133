"""Knowledge forms, one module per area."""
