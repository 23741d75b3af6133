"""The back office's REST API (``api/urls.py`` collects the areas)."""
