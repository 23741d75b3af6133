"""Projects · coaching: the solution areas a coach knows."""

from __future__ import annotations

from django.db import models

from core.tenancy import TenantScopedModel


class CoachExpertise(TenantScopedModel):
    """A coach knows a solution area (coaches have different backgrounds, seed 000 step 4)."""

    coach = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="expertise")
    area = models.ForeignKey("knowledge.SolutionArea", on_delete=models.CASCADE, related_name="experts")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach", "area"], name="coach_expertise_unique")]

    def __str__(self) -> str:
        return f"{self.coach} · {self.area}"
