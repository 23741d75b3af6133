"""Defaults a new tenant starts with: the deliverables of each DMAIC phase (editable per tenant)."""

from __future__ import annotations

from projects.models import Phase

DEFAULT_CHECKLIST: dict[str, list[str]] = {
    Phase.DEFINE: [
        "Project charter agreed with the customer sponsor",
        "Voice of the customer captured (CTQs)",
        "SIPOC of the customer process",
    ],
    Phase.MEASURE: [
        "Data collection plan agreed with the customer",
        "Measurement system analysis",
        "Baseline performance and capability",
    ],
    Phase.ANALYZE: [
        "Root causes identified and verified with data",
        "Process map of the current state (what, who, how)",
    ],
    Phase.IMPROVE: [
        "Solutions selected with the customer team",
        "Pilot run and results compared with the baseline",
        "Benefits estimated and sent to the customer sponsor",
    ],
    Phase.CONTROL: [
        "Control plan handed over to the process owner",
        "Benefits validated by the customer sponsor",
        "Lessons learned and solution ready for the library",
    ],
}

DEFAULT_TRAINING_MODULES: dict[str, list[str]] = {
    "green": [
        "Selecting projects with the customer",
        "Getting buy-in at all levels",
        "DMAIC fundamentals",
        "Basic statistics and measurement",
        "Process redesign: what, who, how",
    ],
    "black": [
        "Advanced regression and designed experiments",
        "Coaching Green Belts",
        "Leading multi-site customer programs",
    ],
}
