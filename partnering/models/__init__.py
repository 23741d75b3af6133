"""Partnering's models, one module per area; every model and public constant is re-exported here
(``from partnering.models import Meeting``).

Everything here is tenant-owned (``TenantScopedModel``) and reaches customer participants only
through ``customer_account_field``. Fields named ``internal_notes`` (and action items flagged
``internal_only``) are for the supplier's people only: serializers, templates, exports and e-mails
drop them for customer participants.
"""

from partnering.models.accounts import ActivityChannel, Contact, ContactActivity, CustomerAccount, Side
from partnering.models.meetings import (
    DEFAULT_QUARTERLY_AGENDA,
    HARD_QUESTIONS,
    Attendee,
    HardQuestion,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from partnering.models.relationships import (
    LEVEL_ORDER,
    MAX_SPONSORS_PER_SIDE,
    Level,
    LevelChange,
    Relationship,
    RosterEntry,
    Sponsor,
)
from partnering.models.work import (
    OPEN_ACTION_STATUSES,
    SCORE_VALIDATORS,
    ActionItem,
    ActionStatus,
    FutureTopic,
    PartneringSettings,
    ReminderLog,
    SteeringMember,
    TopicCategory,
    TopicScore,
    TopicStatus,
)

__all__ = [
    "DEFAULT_QUARTERLY_AGENDA",
    "HARD_QUESTIONS",
    "LEVEL_ORDER",
    "MAX_SPONSORS_PER_SIDE",
    "OPEN_ACTION_STATUSES",
    "SCORE_VALIDATORS",
    "ActionItem",
    "ActionStatus",
    "ActivityChannel",
    "Attendee",
    "Contact",
    "ContactActivity",
    "CustomerAccount",
    "FutureTopic",
    "HardQuestion",
    "Level",
    "LevelChange",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "PartneringSettings",
    "Relationship",
    "ReminderLog",
    "RosterEntry",
    "Side",
    "Sponsor",
    "SteeringMember",
    "TopicCategory",
    "TopicScore",
    "TopicStatus",
]
