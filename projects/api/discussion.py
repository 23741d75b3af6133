"""API · discussion."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
