"""Form plumbing shared by every app (``base``) and core's own forms (``members``: sign-in)."""
