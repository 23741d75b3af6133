"""Knowledge: the taxonomy that classifies projects and (later) the solution library.

For now one model: ``SolutionArea``, a tree of areas (e.g. "Water treatment › Boiler water ›
Scale control"). Projects point at a node (their solution area) and coaches record the nodes they
know (``projects.CoachExpertise``), which drives coach matching. The tree is tenant-owned
reference data for the supplier's people; customer participants never list it (no
``customer_account_field``) but see the name of their own project's area.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel

MAX_DEPTH = 6


class SolutionArea(TenantScopedModel):
    """One node of the solution-area tree. ``path`` ("Water › Boiler › Scale") is kept for sorting and search."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Empty for a top-level area.",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    path = models.CharField(
        max_length=800, editable=False, db_index=True, help_text="Names from the root, joined by ' › '."
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True, help_text="Retired areas stay on old projects but are not offered.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = None  # internal reference data

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="solution_area_unique_sibling"),
            models.UniqueConstraint(
                fields=["tenant", "name"], condition=models.Q(parent__isnull=True), name="solution_area_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return self.path or self.name

    def clean(self) -> None:
        super().clean()
        self.name = (self.name or "").strip()
        if "›" in self.name:
            raise ValidationError({"name": "A name cannot contain '›'."})
        node = self.parent
        depth = 0
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "An area cannot sit under itself or one of its own sub-areas."})
            depth += 1
            node = node.parent
        if depth >= MAX_DEPTH:
            raise ValidationError({"parent": f"The tree is at most {MAX_DEPTH} levels deep."})

    def compute_path(self) -> tuple[str, int]:
        if self.parent is None:
            return self.name, 0
        return f"{self.parent.path} › {self.name}", self.parent.depth + 1
