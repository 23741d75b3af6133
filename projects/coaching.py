"""Projects · coaching: services (writes) and selectors (reads) of this area."""

from __future__ import annotations
