"""Dashboards forms, one module per area: they parse and offer choices, never write."""
