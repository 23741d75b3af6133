"""Projects: Green/Black Belt improvement projects run together with one customer account.

A project is logged quickly (a handful of fields) as a *candidate*, scored with the customer on
weighted selection criteria, then runs through DMAIC (Define, Measure, Analyze, Improve, Control)
to Closed, or is Cancelled with a reason. Each phase ends with a tollgate review by the project's
coach; a phase is never skipped. Benefits count as validated only when the customer sponsor
confirms them. Belt candidates, cohorts and certifications live here too.

Customer participants reach rows only through ``customer_account_field`` (their own account's
projects). ``internal_notes`` fields and rows flagged ``internal_only`` are for our people only.
Writes go through the area modules' services (``projects/<area>.py``), reads through their selectors.

One module per area (``models/<area>.py``); everything is re-exported here, so
``from projects.models import Project`` works wherever a model lives.
"""

from projects.models.belts import (
    BeltCandidate,
    CandidateStatus,
    Certification,
    CertificationProject,
    Cohort,
    ModuleCompletion,
    TrainingModule,
)
from projects.models.benefits import CURRENCIES, NON_NEGATIVE, Benefit, BenefitKind, BenefitStatus
from projects.models.coaching import CoachExpertise
from projects.models.discussion import (
    CustomerFeedback,
    ProjectActivity,
    ProjectAttachment,
    ProjectComment,
    attachment_upload_to,
)
from projects.models.projects import (
    BOARD_COLUMNS,
    DMAIC_PHASES,
    OPEN_PHASES,
    PHASE_ORDER,
    BeltLevel,
    CreditOwner,
    Phase,
    Project,
    ProjectsSettings,
    TeamMember,
    WaitingKind,
    next_phase,
)
from projects.models.selection import SCORE_VALIDATORS, Criterion, SelectionScore
from projects.models.workflow import (
    ChecklistItem,
    ChecklistTemplateItem,
    Notification,
    PhaseVisit,
    ReviewDecision,
    TollgateReview,
    WaitingPeriod,
)

__all__ = [
    "BOARD_COLUMNS",
    "CURRENCIES",
    "DMAIC_PHASES",
    "NON_NEGATIVE",
    "OPEN_PHASES",
    "PHASE_ORDER",
    "SCORE_VALIDATORS",
    "BeltCandidate",
    "BeltLevel",
    "Benefit",
    "BenefitKind",
    "BenefitStatus",
    "CandidateStatus",
    "Certification",
    "CertificationProject",
    "ChecklistItem",
    "ChecklistTemplateItem",
    "CoachExpertise",
    "Cohort",
    "CreditOwner",
    "Criterion",
    "CustomerFeedback",
    "ModuleCompletion",
    "Notification",
    "Phase",
    "PhaseVisit",
    "Project",
    "ProjectActivity",
    "ProjectAttachment",
    "ProjectComment",
    "ProjectsSettings",
    "ReviewDecision",
    "SelectionScore",
    "TeamMember",
    "TollgateReview",
    "TrainingModule",
    "WaitingKind",
    "WaitingPeriod",
    "attachment_upload_to",
    "next_phase",
]
