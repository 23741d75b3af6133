"""Projects · belts: cohorts, the curriculum, candidates, module completions and certifications."""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models.projects import BeltLevel, Project


class Cohort(TenantScopedModel):
    """A group of belt candidates trained together."""

    name = models.CharField(max_length=120)
    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    coach = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="coached_cohorts"
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="cohort_unique_name")]

    def __str__(self) -> str:
        return self.name


class TrainingModule(TenantScopedModel):
    """A module of the belt curriculum (tailored: selecting projects with the customer, buy-in, …)."""

    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    name = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["belt_level", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "belt_level", "name"], name="training_module_unique")]

    def __str__(self) -> str:
        return self.name


class CandidateStatus(models.TextChoices):
    TRAINING = "training", "In training"
    CERTIFIED = "certified", "Certified"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BeltCandidate(TenantScopedModel):
    """A person of our company working towards a belt in a cohort."""

    member = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="belt_candidacies")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="candidates")
    target_belt = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.TRAINING)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["cohort", "member__user__email"]
        constraints = [
            models.UniqueConstraint(fields=["member", "target_belt"], name="belt_candidate_once_per_belt"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.get_target_belt_display()}"


class ModuleCompletion(TenantScopedModel):
    """A candidate completed a training module."""

    candidate = models.ForeignKey(BeltCandidate, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "module"], name="module_completed_once")]


@pghistory.track()
class Certification(TenantScopedModel):
    """A Green or Black Belt awarded with a coach's sign-off. Certified Black Belts join the coach pool."""

    member = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="certifications")
    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices)
    certified_on = models.DateField(default=timezone.localdate)
    signed_off_by = models.ForeignKey("core.Membership", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(BeltCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    projects = models.ManyToManyField(
        Project, through="CertificationProject", blank=True, related_name="certifications"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-certified_on"]
        constraints = [models.UniqueConstraint(fields=["member", "belt_level"], name="certification_once_per_belt")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_belt_level_display()}"


class CertificationProject(TenantScopedModel):
    """A project counted towards a certification."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certification", "project"], name="certification_project_once")]
