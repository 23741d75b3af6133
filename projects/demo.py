"""Demo content of the projects module, called by ``manage.py seed_demo``.

``seed_tenant(slug)`` fills a demo tenant (about 40 projects for "aquenta", five for "kestrel") after
the partnering and dashboards content exists: a solution-area tree (``knowledge.demo``), coach
expertise, belt cohorts with candidates, completed modules and certifications (a Black Belt who thereby
joins the coach pool), and projects in every phase with their history: phase visits of weeks to months,
tollgate reviews (approved, one returned then approved, pending ones for the coach), checklists partly
done, selection scores from both sides, benefits (estimated, validated, disputed; several currencies;
some tied to a scorecard metric), waiting periods, comments (some internal-only), customer feedback,
credit settled on most DMAIC projects.

Projects are logged through ``project_log`` (it validates the people and creates the
checklist); the history rows and the denormalised fields of ``Project`` are then written directly,
kept consistent with the rows. Idempotent: a project whose title exists is left alone; cohorts,
candidates, modules and certifications are matched by their natural keys.

``seed_bench(count)`` bulk-creates ``count`` projects (with visits, reviews, waiting periods, benefits
and checklists) in the benchmark tenant, spread over its accounts and phases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.demo import BENCH_SLUG, BenchOptions, DemoTenant
from core.models import Membership, Role, Tenant, User
from core.tenancy import current_tenant_id, tenant_context
from dashboards.models import Metric, Scorecard
from knowledge import demo as knowledge_demo
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects.defaults import DEFAULT_TRAINING_MODULES
from projects.models import (
    DMAIC_PHASES,
    OPEN_PHASES,
    PHASE_ORDER,
    BeltCandidate,
    BeltLevel,
    Benefit,
    BenefitKind,
    BenefitStatus,
    CandidateStatus,
    Certification,
    CertificationProject,
    ChecklistItem,
    CoachExpertise,
    Cohort,
    CreditOwner,
    CustomerFeedback,
    ModuleCompletion,
    Notification,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectComment,
    ProjectsSettings,
    ReviewDecision,
    SelectionScore,
    TeamMember,
    TollgateReview,
    TrainingModule,
    WaitingKind,
    WaitingPeriod,
)
from projects.projects import checklist_templates_ensure, project_log, settings_for_tenant
from projects.selection import score_recompute

BENCH_TITLE = "Bench project {:05d}"
#: Models whose insert history is skipped for the benchmark bulk rows (as in ``dashboards.demo``).
HISTORY_TRACKED = ("Project", "TollgateReview", "Benefit")

NF, RS, CR, BV, SS, HM = (
    "Northfield Paper Mill",
    "Riverside Power Station",
    "Coastal Refining Co.",
    "Blue Valley Foods",
    "Summit Steel Works",
    "Harbor Marine Yards",
)
REP, CHAMPION, ADMIN, EXEC, COACH = (
    "rep@aquenta.example",
    "champion@aquenta.example",
    "admin@aquenta.example",
    "exec@aquenta.example",
    "coach@aquenta.example",
)
ANA, HELEN, TOM, RAJ, JO = (
    "ana.lopez@northfield-paper.example",
    "helen.berg@northfield-paper.example",
    "tom.reed@riverside-power.example",
    "raj.patel@riverside-power.example",
    "jo.park@harbor-marine.example",
)


@dataclass(frozen=True)
class B:
    """A benefit: amounts in ``currency``; ``validated`` set → validated (or disputed) by the sponsor."""

    kind: str
    description: str
    currency: str
    estimated: int
    validated: int | None = None
    disputed: str = ""
    metric: str = ""  # scorecard metric key of the relationship's scorecard


@dataclass(frozen=True)
class Spec:
    title: str
    account: str
    phase: str
    problem: str
    started: int  # days ago
    in_phase: int  # days in the current phase (closed/cancelled: days since)
    area: str = ""  # last name of the solution-area path
    lead: str = REP
    coach: str | None = COACH
    sponsor: str | None = None
    belt: str = BeltLevel.GREEN
    idle: int | None = None  # days since the last activity (default: a few days)
    waiting: tuple[str, str, int] | None = None  # (kind, reason, days ago)
    pending: bool = False  # a tollgate of the current phase awaits the coach
    returned: str = ""  # a phase whose first tollgate was returned, then approved
    redesign: tuple[str, str, str] | None = None
    pilot: bool = False
    credit: str = ""  # "" → settled (supplier or both) on DMAIC phases; "unsettled" to leave it open
    benefits: tuple[B, ...] = ()
    scores: bool = True
    cancelled_from: str = ""
    cancel_reason: str = ""
    goal: str = ""
    internal_note: str = ""
    feedback: tuple[str, ...] = ()  # phases the sponsor gave feedback on ("closed" = at closing)
    comments: tuple[tuple[str, str, bool], ...] = field(default=())  # (author email, body, internal_only)


AQUENTA: tuple[Spec, ...] = (
    # --- Candidates ---------------------------------------------------------------------------
    Spec(
        "Cut fresh-water intake of the PM2 showers",
        NF,
        Phase.CANDIDATE,
        "PM2 showers use 38 m³/h of fresh water; the white-water reuse loop is bypassed most of the year.",
        started=21,
        in_phase=21,
        area="Make-up water reduction",
        sponsor=ANA,
        pending=True,
        goal="Halve fresh-water use of the showers without more felt filling.",
    ),
    Spec(
        "Lower retention-aid consumption on PM1",
        NF,
        Phase.CANDIDATE,
        "Retention-aid dosage crept up 25 % in a year while first-pass retention stayed flat.",
        started=12,
        in_phase=12,
        area="Retention",
        sponsor=HELEN,
        coach=CHAMPION,
    ),
    Spec(
        "Shorten the chemistry lab turnaround for the cooling towers",
        RS,
        Phase.CANDIDATE,
        "Lab results for cooling-tower chemistry arrive after 4 days; dosing is corrected too late.",
        started=30,
        in_phase=30,
        area="Cooling water",
        sponsor=TOM,
    ),
    Spec(
        "Reuse desalter wash water",
        CR,
        Phase.CANDIDATE,
        "Desalter wash water is fresh stripped sour water; 40 % of it could come from the effluent loop.",
        started=25,
        in_phase=25,
        area="Make-up water reduction",
    ),
    Spec(
        "Lower CIP caustic consumption",
        BV,
        Phase.CANDIDATE,
        "Caustic use per CIP cycle is 30 % above the plant's own standard at the juice line.",
        started=4,
        in_phase=4,
        area="Water footprint",
        scores=False,
    ),
    Spec(
        "Scaling of the blast-furnace gas scrubber",
        SS,
        Phase.CANDIDATE,
        "Scrubber nozzles scale up within six weeks; each cleaning stop costs a shift.",
        started=75,
        in_phase=75,
        idle=48,
        area="Scale control",
    ),
    Spec(
        "Tank telemetry for sulfuric-acid deliveries",
        RS,
        Phase.CANDIDATE,
        "Acid tanks are dipped by hand; two run-outs last year forced emergency deliveries.",
        started=8,
        in_phase=8,
        area="Inventory",
        sponsor=RAJ,
        lead=CHAMPION,
    ),
    # --- Define -------------------------------------------------------------------------------
    Spec(
        "Condensate return below 70 % at the recovery boiler",
        NF,
        Phase.DEFINE,
        "Only 64 % of condensate comes back; make-up water and treatment chemicals follow the losses.",
        started=70,
        in_phase=25,
        area="Corrosion control",
        sponsor=ANA,
        credit="unsettled",
        internal_note="The mill's own CI team may claim this one for their Green Belt: settle credit first.",
    ),
    Spec(
        "Legionella risk plan for cooling towers 1 and 2",
        RS,
        Phase.DEFINE,
        "The risk plan is three years old and does not cover the new side-stream filter.",
        started=90,
        in_phase=40,
        area="Legionella control",
        sponsor=TOM,
        waiting=(WaitingKind.REGULATORY_APPROVAL, "The county health authority reviews the draft risk plan.", 18),
    ),
    Spec(
        "Fouling of the sour-water stripper",
        CR,
        Phase.DEFINE,
        "The stripper is cleaned every 9 months instead of the design 24; each clean costs 5 days.",
        started=120,
        in_phase=60,
        idle=52,
        area="Wastewater",
    ),
    Spec(
        "Consignment stock for cooling chemicals",
        SS,
        Phase.DEFINE,
        "Three emergency deliveries a quarter; the works wants stock on site without owning it.",
        started=60,
        in_phase=20,
        area="Inventory",
        lead=CHAMPION,
        credit="unsettled",
    ),
    Spec(
        "Softener regeneration for boiler feed water",
        BV,
        Phase.DEFINE,
        "Softeners regenerate on a timer; salt use is double what the hardness load needs.",
        started=45,
        in_phase=15,
        area="Scale control",
    ),
    Spec(
        "Faster closure of felt-conditioning complaints",
        NF,
        Phase.DEFINE,
        "Complaints about felt conditioning take 41 days to close on average; the target is 14.",
        started=55,
        in_phase=30,
        area="Complaint reduction",
        sponsor=HELEN,
        coach=CHAMPION,
    ),
    # --- Measure ------------------------------------------------------------------------------
    Spec(
        "Starch retention on the board machine",
        NF,
        Phase.MEASURE,
        "Surface-starch retention is 78 %; lost starch loads the effluent plant and costs 1.1 M SEK a year.",
        started=150,
        in_phase=35,
        area="Retention",
        sponsor=ANA,
        pending=True,
        feedback=(Phase.DEFINE,),
        comments=(
            (ANA, "The mill lab can run the extra starch samples on the night shift.", False),
            (REP, "Ana's team is stretched; keep the sampling plan to two weeks.", True),
        ),
    ),
    Spec(
        "Cycles of concentration on cooling tower 2",
        RS,
        Phase.MEASURE,
        "Tower 2 runs at 3.1 cycles against 5 on tower 1; blowdown is 60 % higher than needed.",
        started=130,
        in_phase=50,
        area="Make-up water reduction",
        sponsor=TOM,
        waiting=(WaitingKind.DATA, "Waiting for the plant historian export of conductivity and blowdown flows.", 12),
    ),
    Spec(
        "Overdosing of corrosion inhibitor in the crude-unit overhead",
        CR,
        Phase.MEASURE,
        "Filming-amine dosage is set for the worst crude slate all year round.",
        started=160,
        in_phase=60,
        idle=47,
        area="Corrosion control",
    ),
    Spec(
        "Invoice errors on cooling-chemical deliveries",
        SS,
        Phase.MEASURE,
        "One invoice in six needs a credit note; the buyer spends two days a month on it.",
        started=100,
        in_phase=30,
        area="Ordering and invoicing",
    ),
    Spec(
        "Polymer dosage of the dairy effluent sludge press",
        BV,
        Phase.MEASURE,
        "Cake dry solids vary from 16 to 24 %; disposal is paid per wet tonne.",
        started=140,
        in_phase=45,
        area="Sludge dewatering",
        waiting=(WaitingKind.CUSTOMER_APPROVAL, "The plant manager has to approve a two-week polymer trial.", 20),
    ),
    Spec(
        "Wet-end deposit breaks on PM2",
        NF,
        Phase.MEASURE,
        "PM2 had 46 sheet breaks from wet-end deposits last year, 70 minutes lost each.",
        started=180,
        in_phase=40,
        area="Wet-end chemistry",
        sponsor=HELEN,
        lead=CHAMPION,
        belt=BeltLevel.BLACK,
        returned=Phase.DEFINE,
    ),
    # --- Analyze ------------------------------------------------------------------------------
    Spec(
        "Condenser tube pitting on unit 1",
        RS,
        Phase.ANALYZE,
        "Eddy-current tests found pitting in 7 % of condenser tubes; a retube costs 2.4 M USD.",
        started=420,
        in_phase=150,
        area="Corrosion control",
        sponsor=RAJ,
        belt=BeltLevel.BLACK,
        lead=CHAMPION,
        waiting=(
            WaitingKind.REGULATORY_APPROVAL,
            "The new azole inhibitor needs an amendment of the discharge permit (state EPA).",
            64,
        ),
        internal_note="Competitor trial on unit 2 ends in spring; a quick win here decides the renewal.",
    ),
    Spec(
        "Energy use of the PM1 vacuum system",
        NF,
        Phase.ANALYZE,
        "Vacuum pumps use 9 % of the mill's electricity; pump load does not follow machine speed.",
        started=240,
        in_phase=60,
        area="Energy",
        sponsor=ANA,
        lead=CHAMPION,
        belt=BeltLevel.BLACK,
        redesign=(
            "Vacuum levels set per grade from a recipe instead of by the operator's feel.",
            "The shift lead owns the recipe; our application engineer reviews it monthly.",
            "Variable-speed drives on pumps 3–5, setpoints from the DCS grade recipe.",
        ),
    ),
    Spec(
        "Ammonia exceedances at the wastewater discharge",
        CR,
        Phase.ANALYZE,
        "Five ammonia exceedances in twelve months; the next one triggers a compliance order.",
        started=260,
        in_phase=70,
        idle=60,
        area="Discharge compliance",
    ),
    Spec(
        "Biofouling of the rolling-mill cooling circuit",
        SS,
        Phase.ANALYZE,
        "Heat-exchanger approach temperature rises 4 K a month until a clean.",
        started=200,
        in_phase=45,
        area="Cooling water",
    ),
    Spec(
        "Steam leaks and condensate losses",
        BV,
        Phase.ANALYZE,
        "Steam per tonne of product is 18 % above the group benchmark at the dairy.",
        started=210,
        in_phase=55,
        area="Energy",
    ),
    # --- Improve ------------------------------------------------------------------------------
    Spec(
        "Automatic boiler blowdown",
        NF,
        Phase.IMPROVE,
        "Blowdown is manual, twice a shift; conductivity swings cost water, energy and chemicals.",
        started=300,
        in_phase=60,
        area="Blowdown optimisation",
        sponsor=ANA,
        redesign=(
            "Continuous blowdown on conductivity instead of manual intermittent blowdown.",
            "Operators watch an alarm instead of opening valves; our service engineer tunes the loop.",
            "Conductivity probe and control valve tied to the boiler DCS; monthly report from the historian.",
        ),
        benefits=(
            B(
                BenefitKind.HARD_SAVINGS,
                "Lower make-up water, fuel and treatment chemicals (first 6 months)",
                "EUR",
                48_000,
                metric="validated_savings",
            ),
        ),
        feedback=(Phase.ANALYZE,),
        comments=(
            (COACH, "Good baseline. Ask Ana for the fuel invoices so the savings hold up at validation.", False),
        ),
    ),
    Spec(
        "Demineraliser regeneration chemicals",
        RS,
        Phase.IMPROVE,
        "Acid and caustic per regeneration are 20 % above design; runs end on time, not on exhaustion.",
        started=280,
        in_phase=50,
        area="Boiler water",
        sponsor=TOM,
        waiting=(WaitingKind.CUSTOMER_APPROVAL, "Capex request for the conductivity end-point meters.", 22),
        benefits=(
            B(
                BenefitKind.HARD_SAVINGS,
                "Acid and caustic saved, March–August",
                "USD",
                36_500,
                validated=0,
                disputed="March had a six-week outage; the baseline month is not comparable.",
            ),
        ),
    ),
    Spec(
        "Reuse of final CIP rinse water",
        BV,
        Phase.IMPROVE,
        "Final rinses go to drain although their quality meets the pre-rinse specification.",
        started=480,
        in_phase=120,
        area="Water footprint",
        benefits=(B(BenefitKind.COST_AVOIDANCE, "Water and effluent charges avoided per year", "USD", 52_000),),
    ),
    Spec(
        "Desalter emulsion-breaker optimisation",
        CR,
        Phase.IMPROVE,
        "Oil in desalter brine spikes with heavy crudes; the emulsion breaker is dosed at a fixed rate.",
        started=250,
        in_phase=40,
        area="Wastewater",
        benefits=(B(BenefitKind.HARD_SAVINGS, "Lower demulsifier use and slop-oil reprocessing", "USD", 84_000),),
    ),
    Spec(
        "Scale-inhibitor switch on the gas washer",
        SS,
        Phase.IMPROVE,
        "Gas-washer pipework needs acid cleaning four times a year.",
        started=230,
        in_phase=35,
        area="Scale control",
        pilot=True,
        redesign=(
            "Inhibitor dosed on calcium load instead of a fixed rate.",
            "The works' utilities team reads the dosing report; we adjust the setpoint.",
            "Online calcium analyser with telemetry to our service centre.",
        ),
        benefits=(B(BenefitKind.COST_AVOIDANCE, "Two acid cleanings a year avoided", "EUR", 27_000),),
    ),
    # --- Control ------------------------------------------------------------------------------
    Spec(
        "Retention programme change on PM1",
        NF,
        Phase.CONTROL,
        "First-pass ash retention at 42 %; filler losses load the effluent plant.",
        started=330,
        in_phase=45,
        area="Retention",
        sponsor=ANA,
        returned=Phase.IMPROVE,
        benefits=(
            B(
                BenefitKind.HARD_SAVINGS,
                "Filler and retention-aid savings, first half year",
                "EUR",
                60_000,
                validated=62_000,
                metric="validated_savings",
            ),
            B(BenefitKind.QUALITY, "Fewer holes and spots on the reel (rejects)", "SEK", 240_000),
        ),
        feedback=(Phase.MEASURE, Phase.IMPROVE),
    ),
    Spec(
        "Cooling-tower biocide programme switch",
        RS,
        Phase.CONTROL,
        "Bio-film counts above limit one month in three with the current oxidising programme.",
        started=350,
        in_phase=30,
        area="Legionella control",
        sponsor=TOM,
        benefits=(B(BenefitKind.HARD_SAVINGS, "Biocide and cleaning costs saved per year", "USD", 41_000, 38_500),),
        feedback=(Phase.IMPROVE,),
    ),
    Spec(
        "Bulk delivery of scale inhibitor",
        SS,
        Phase.CONTROL,
        "Inhibitor comes in 1 m³ totes; handling and tote returns cost more than the chemical saves.",
        started=300,
        in_phase=50,
        area="Inventory",
        lead=CHAMPION,
        benefits=(B(BenefitKind.HARD_SAVINGS, "Handling and packaging saved per year", "EUR", 18_500),),
    ),
    Spec(
        "Water footprint dashboard for the mill",
        NF,
        Phase.CONTROL,
        "Water use per tonne is reported quarterly and nobody acts on it between reports.",
        started=260,
        in_phase=25,
        area="Water footprint",
        sponsor=HELEN,
        lead=ADMIN,
        benefits=(B(BenefitKind.OTHER, "Water intensity down from 31 to 27 m³/t", "SEK", 150_000, 150_000),),
    ),
    # --- Closed -------------------------------------------------------------------------------
    Spec(
        "Pilot: online corrosion monitor in the boiler house",
        NF,
        Phase.CLOSED,
        "Corrosion was checked with coupons every 90 days; two tube failures went unnoticed in between.",
        started=560,
        in_phase=200,
        area="Corrosion control",
        sponsor=ANA,
        pilot=True,
        redesign=(
            "Continuous corrosion-rate measurement instead of quarterly coupons.",
            "The mill's shift chemist reacts to alarms; our engineer reviews the trend each month.",
            "Online corrosion probe with a monthly report from our remote-monitoring service.",
        ),
        benefits=(
            B(
                BenefitKind.COST_AVOIDANCE,
                "One unplanned boiler stop avoided",
                "EUR",
                35_000,
                35_000,
                metric="validated_savings",
            ),
            B(BenefitKind.HARD_SAVINGS, "Coupon analysis and lab hours saved", "SEK", 90_000, 82_000),
        ),
        feedback=(Phase.IMPROVE, Phase.CLOSED),
        comments=(
            (ANA, "The monitor paid for itself in the first quarter. We want it on the recovery boiler too.", False),
            (COACH, "Use this as the reference case for the cooling-water pilots.", True),
        ),
    ),
    Spec(
        "Sludge dewatering polymer switch",
        NF,
        Phase.CLOSED,
        "Cake dry solids at 21 %; sludge transport is the mill's biggest waste cost.",
        started=420,
        in_phase=120,
        area="Sludge dewatering",
        sponsor=HELEN,
        lead=CHAMPION,
        belt=BeltLevel.BLACK,
        benefits=(B(BenefitKind.HARD_SAVINGS, "Sludge transport and disposal, per year", "EUR", 70_000, 66_000),),
        feedback=(Phase.CLOSED,),
    ),
    Spec(
        "Phosphate-free boiler programme",
        RS,
        Phase.CLOSED,
        "Phosphate carry-over to the HRSG drums and a discharge limit on phosphorus from 2027.",
        started=400,
        in_phase=90,
        area="Boiler water",
        sponsor=RAJ,
        lead=CHAMPION,
        belt=BeltLevel.BLACK,
        benefits=(B(BenefitKind.COST_AVOIDANCE, "Phosphorus treatment step avoided", "USD", 120_000, 110_000),),
        feedback=(Phase.CLOSED,),
    ),
    Spec(
        "Boiler scale removal and inhibitor reset",
        BV,
        Phase.CLOSED,
        "Boiler 2 efficiency down 3 points from scale after a softener failure.",
        started=520,
        in_phase=300,
        area="Scale control",
        benefits=(B(BenefitKind.HARD_SAVINGS, "Fuel saved per year after the clean", "USD", 22_000),),
    ),
    Spec(
        "Lead time of chemical orders",
        SS,
        Phase.CLOSED,
        "Orders take 9 days from request to delivery; the works keeps two weeks of safety stock.",
        started=330,
        in_phase=40,
        area="Ordering and invoicing",
        benefits=(B(BenefitKind.OTHER, "Safety stock cut from 14 to 7 days", "EUR", 12_000),),
    ),
    # --- Cancelled ----------------------------------------------------------------------------
    Spec(
        "Membrane cleaning service trial",
        CR,
        Phase.CANCELLED,
        "RO membranes are cleaned on a calendar, not on normalised permeate flow.",
        started=200,
        in_phase=75,
        area="Wastewater",
        cancelled_from=Phase.MEASURE,
        cancel_reason="The refinery postponed the RO plant upgrade by two years; no baseline can be measured.",
    ),
    Spec(
        "Bio-based scale inhibitor trial",
        BV,
        Phase.CANCELLED,
        "The plant asked for a bio-based inhibitor for its sustainability report.",
        started=160,
        in_phase=110,
        area="Scale control",
        cancelled_from=Phase.CANDIDATE,
        cancel_reason="Lost the CIP tender to a low-cost bidder; the plant has no budget for trials this year.",
    ),
)

KESTREL: tuple[Spec, ...] = (
    Spec(
        "Shelf-life write-offs of two-pack coatings",
        HM,
        Phase.CANDIDATE,
        "Eight percent of two-pack coatings expire on the shelf.",
        started=14,
        in_phase=14,
        area="Inventory",
        lead="rep@kestrel.example",
        sponsor=JO,
    ),
    Spec(
        "Rework on ballast-tank coatings",
        HM,
        Phase.DEFINE,
        "One ballast tank in five fails the dry-film-thickness inspection.",
        started=60,
        in_phase=20,
        area="Rework reduction",
        lead="rep@kestrel.example",
        sponsor=JO,
    ),
    Spec(
        "Blasting profile deviations in dock 2",
        HM,
        Phase.MEASURE,
        "Surface profile out of specification on 12 % of blasted areas in dock 2.",
        started=110,
        in_phase=40,
        area="Surface preparation",
        lead="rep@kestrel.example",
        waiting=(WaitingKind.DATA, "The yard's QA team collects profile readings for four weeks.", 10),
    ),
    Spec(
        "Antifouling reapplication interval",
        HM,
        Phase.IMPROVE,
        "Ships return for antifouling after 30 months instead of the 60 the system is rated for.",
        started=260,
        in_phase=45,
        area="Antifouling",
        lead="rep@kestrel.example",
        sponsor=JO,
        benefits=(B(BenefitKind.REVENUE, "Longer dry-dock intervals sold as a service", "EUR", 90_000),),
    ),
    Spec(
        "Coating stock on consignment",
        HM,
        Phase.CLOSED,
        "The yard ran out of tank coating twice during dockings.",
        started=380,
        in_phase=70,
        area="Inventory",
        lead="rep@kestrel.example",
        sponsor=JO,
        benefits=(B(BenefitKind.HARD_SAVINGS, "Stock-outs and rush freight avoided", "EUR", 25_000, 24_000),),
        feedback=(Phase.CLOSED,),
    ),
)

SPECS = {"aquenta": AQUENTA, "kestrel": KESTREL}

#: (email, area names) coach expertise per tenant.
EXPERTISE = {
    "aquenta": (
        (COACH, ("Boiler water", "Cooling water", "Wastewater", "Corrosion control")),
        (CHAMPION, ("Paper machine", "Retention", "Wet-end chemistry", "Energy")),
    ),
    "kestrel": ((COACH, ("Marine coatings", "Application")),),
}

#: Phase weights: how long a phase lasts relative to the others.
PHASE_WEIGHT: dict[str, float] = {
    Phase.CANDIDATE: 0.6,
    Phase.DEFINE: 1.0,
    Phase.MEASURE: 1.3,
    Phase.ANALYZE: 1.2,
    Phase.IMPROVE: 1.5,
    Phase.CONTROL: 1.1,
}
SUMMARIES: dict[str, str] = {
    Phase.CANDIDATE: "Scored with the customer; the sponsor agrees it is worth a project.",
    Phase.DEFINE: "Charter signed by the customer sponsor, CTQs and SIPOC agreed.",
    Phase.MEASURE: "Baseline measured over four weeks; the measurement system is good enough.",
    Phase.ANALYZE: "Root causes verified with data; process map of what, who and how.",
    Phase.IMPROVE: "Solution piloted; results against the baseline sent to the sponsor.",
    Phase.CONTROL: "Control plan handed over; benefits validated by the sponsor.",
}
RETURN_COMMENTS: dict[str, str] = {
    Phase.DEFINE: "The charter has no measurable goal yet; agree the target with the sponsor and resubmit.",
    Phase.IMPROVE: "The pilot ran two weeks only; extend it over a full grade cycle before we move on.",
}
FEEDBACK = (
    (5, "Clear plan and the data came when promised.", "Nothing; keep the weekly calls."),
    (4, "Good workshop with our operators.", "Send the minutes sooner after each meeting."),
    (4, "The pilot was well prepared and safe.", "Involve maintenance earlier."),
)


# --- Helpers ------------------------------------------------------------------------------------


def _noise(*parts: Any) -> float:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


# --- Demo tenants -------------------------------------------------------------------------------


def seed_tenant(spec: DemoTenant) -> None:
    """Fill a demo tenant with projects content; call inside its context after partnering and dashboards."""
    slug = spec.slug
    specs = SPECS.get(slug)
    if specs is None:
        return
    areas = {a.name: a for a in knowledge_demo.seed_tenant(slug).values()}
    logins = {m.user.email: m for m in Membership.objects.select_related("user")}
    settings = settings_for_tenant()
    checklist_templates_ensure()
    for email, names in EXPERTISE.get(slug, ()):
        for name in names:
            if email in logins and name in areas:
                CoachExpertise.objects.get_or_create(coach=logins[email], area=areas[name])
    _belts(slug, logins)
    existing = set(Project.objects.values_list("title", flat=True))
    accounts = {a.name: a for a in CustomerAccount.objects.all()}
    for number, story in enumerate(specs):
        if story.title in existing or story.account not in accounts:
            continue
        _ProjectStory(story, number, accounts[story.account], areas, logins, settings).build()
    _link_certifications()


def _belts(slug: str, logins: dict[str, Membership]) -> None:
    """Modules, cohorts, candidates, completions and certifications (Aquenta: Lars becomes a Black Belt)."""
    today = timezone.localdate()
    modules: dict[str, list[TrainingModule]] = {}
    for level, names in DEFAULT_TRAINING_MODULES.items():
        modules[level] = [
            TrainingModule.objects.get_or_create(belt_level=level, name=name, defaults={"position": position})[0]
            for position, name in enumerate(names)
        ]
    if slug == "kestrel":
        coach = logins.get(COACH)
        cohort, _ = Cohort.objects.get_or_create(
            name="Green Belt 2026 – Kestrel",
            defaults={"belt_level": BeltLevel.GREEN, "starts_on": today - dt.timedelta(days=45), "coach": coach},
        )
        _candidate(logins.get("rep@kestrel.example"), cohort, BeltLevel.GREEN, modules, 2, None, None)
        return
    coach = logins.get(COACH)
    lars = logins.get(CHAMPION)
    first = _cohort("Green Belt 2025 – spring", BeltLevel.GREEN, 430, 250, coach)
    second = _cohort("Green Belt 2026 – autumn", BeltLevel.GREEN, 60, None, lars)
    black = _cohort("Black Belt 2025–26", BeltLevel.BLACK, 230, 30, coach)
    _candidate(logins.get(REP), first, BeltLevel.GREEN, modules, 5, 150, coach)
    _candidate(lars, first, BeltLevel.GREEN, modules, 5, 250, coach)
    _candidate(logins.get(ADMIN), second, BeltLevel.GREEN, modules, 3, None, None)
    _candidate(logins.get(EXEC), second, BeltLevel.GREEN, modules, 1, None, None)
    _candidate(lars, black, BeltLevel.BLACK, modules, 3, 60, coach)
    _candidate(logins.get(REP), black, BeltLevel.BLACK, modules, 1, None, None)


def _cohort(name: str, level: str, starts: int, ends: int | None, coach: Membership | None) -> Cohort:
    today = timezone.localdate()
    cohort: Cohort
    cohort, _ = Cohort.objects.get_or_create(
        name=name,
        defaults={
            "belt_level": level,
            "starts_on": today - dt.timedelta(days=starts),
            "ends_on": today - dt.timedelta(days=ends) if ends is not None else None,
            "coach": coach,
        },
    )
    return cohort


def _candidate(
    member: Membership | None,
    cohort: Cohort,
    level: str,
    modules: dict[str, list[TrainingModule]],
    completed: int,
    certified: int | None,
    signer: Membership | None,
) -> None:
    if member is None:
        return
    today = timezone.localdate()
    candidate, made = BeltCandidate.objects.get_or_create(
        member=member,
        target_belt=level,
        defaults={
            "cohort": cohort,
            "joined_on": cohort.starts_on,
            "status": CandidateStatus.CERTIFIED if certified is not None else CandidateStatus.TRAINING,
        },
    )
    if not made:
        return
    ModuleCompletion.objects.bulk_create(
        [
            ModuleCompletion(
                tenant_id=candidate.tenant_id,
                candidate=candidate,
                module=module,
                completed_on=min(today, cohort.starts_on + dt.timedelta(days=21 * (index + 1))),
            )
            for index, module in enumerate(modules[level][:completed])
        ]
    )
    if certified is not None and signer is not None:
        Certification.objects.get_or_create(
            member=member,
            belt_level=level,
            defaults={
                "certified_on": today - dt.timedelta(days=certified),
                "signed_off_by": signer,
                "candidate": candidate,
                "note": "Signed off after the closing review of the certification projects.",
            },
        )


def _link_certifications() -> None:
    """Count the closed projects each certified member led towards their certification."""
    for certification in Certification.objects.all():
        projects = Project.objects.filter(
            lead=certification.member, phase=Phase.CLOSED, belt_level=certification.belt_level
        ).order_by("closed_on")
        for project in projects[:2]:
            CertificationProject.objects.get_or_create(certification=certification, project=project)


@dataclass
class _ProjectStory:
    """One demo project and its history, written step by step (``build``): the project is logged
    through ``project_log`` (people validated, checklist created), then its phase visits, tollgates,
    checklist, selection scores, waiting period, benefits, feedback, comments and team are written
    directly, and finally the denormalised fields of ``Project`` are set to match those rows."""

    spec: Spec
    number: int
    account: CustomerAccount
    areas: dict[str, SolutionArea]
    logins: dict[str, Membership]
    settings: ProjectsSettings
    now: dt.datetime = field(default_factory=timezone.now)
    activity: list[ProjectActivity] = field(default_factory=list)

    def __post_init__(self) -> None:
        spec = self.spec
        self.tenant_id = current_tenant_id()
        self.lead = self.logins[spec.lead]
        self.coach = self.logins.get(spec.coach) if spec.coach else None
        self.sponsor = self.logins.get(spec.sponsor) if spec.sponsor else None
        self.decider = self.coach or self.logins.get(COACH)
        self.start = self.now - dt.timedelta(days=spec.started, hours=3)
        self.current_entry = self.now - dt.timedelta(days=spec.in_phase, hours=2)
        self.final = spec.phase in (Phase.CLOSED, Phase.CANCELLED)
        idle = (
            spec.idle
            if spec.idle is not None
            else (spec.in_phase if self.final else min(spec.in_phase, 1 + self.number % 6))
        )
        self.last_activity = self.now - dt.timedelta(days=idle, hours=1)
        # Phases visited: candidate … current (for cancelled: up to the phase it was cancelled from).
        self.last_phase = spec.cancelled_from if spec.phase == Phase.CANCELLED else spec.phase
        past = PHASE_ORDER[: PHASE_ORDER.index(self.last_phase)]
        self.past = [*past, self.last_phase] if spec.phase == Phase.CANCELLED else past
        self.by_phase: dict[str, TollgateReview] = {}

    def build(self) -> Project:
        self.project = self._log()
        self._visits()
        ProjectActivity.objects.filter(project=self.project).update(created_at=self.start)
        self._tollgates()
        self._checklist()
        scores = self._scores()
        waiting_kind = self._waiting()
        self._benefits()
        self._feedback()
        self._comments()
        self._team()
        self._finish(scores, waiting_kind)
        return self.project

    # --- helpers ---------------------------------------------------------------------------------

    def clamp(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.last_activity)

    def act(
        self, moment: dt.datetime, actor: Membership | None, verb: str, summary: str, internal: bool = False
    ) -> None:
        self.activity.append(
            ProjectActivity(
                tenant_id=self.tenant_id,
                project=self.project,
                actor=actor,
                verb=verb,
                summary=summary[:300],
                internal_only=internal,
                created_at=self.clamp(moment),
            )
        )

    # --- steps -----------------------------------------------------------------------------------

    def _log(self) -> Project:
        spec, account = self.spec, self.account
        redesign = spec.redesign or ("", "", "")
        return project_log(
            actor=self.lead,
            customer_account=account,
            title=spec.title,
            problem_statement=spec.problem,
            belt_level=spec.belt,
            lead=self.lead,
            coach=self.coach,
            customer_sponsor=self.sponsor,
            solution_area=self.areas.get(spec.area),
            is_pilot=spec.pilot,
            goal_statement=spec.goal,
            scope=f"{account.name}: one site, the circuits named in the problem statement.",
            redesign_what=redesign[0],
            redesign_who=redesign[1],
            redesign_how=redesign[2],
            started_on=_day(self.start),
            target_end_on=_day(self.start) + dt.timedelta(days=270) if spec.phase != Phase.CANDIDATE else None,
            internal_notes=spec.internal_note,
        )

    def _visits(self) -> None:
        """One visit per phase passed, lengths by ``PHASE_WEIGHT``; ``bounds`` are the visits' edges."""
        weights = [PHASE_WEIGHT.get(p, 1.0) * (0.8 + 0.4 * _noise(self.spec.title, p)) for p in self.past]
        span = self.current_entry - self.start
        bounds = [self.start]
        for weight in weights:
            bounds.append(bounds[-1] + span * (weight / sum(weights)))
        bounds[-1] = self.current_entry
        self.bounds = bounds
        t, project = self.tenant_id, self.project
        visits = [
            PhaseVisit(tenant_id=t, project=project, phase=p, entered_at=bounds[i], left_at=bounds[i + 1])
            for i, p in enumerate(self.past)
        ]
        visits.append(PhaseVisit(tenant_id=t, project=project, phase=self.spec.phase, entered_at=self.current_entry))
        PhaseVisit.objects.filter(project=project).delete()
        PhaseVisit.objects.bulk_create(visits)

    def _review(self, phase: str, sent: dt.datetime, **decision: Any) -> TollgateReview:
        return TollgateReview(
            tenant_id=self.tenant_id,
            project=self.project,
            phase=phase,
            submitted_by=self.lead,
            submitted_at=sent,
            summary=SUMMARIES[phase],
            **decision,
        )

    def _tollgates(self) -> None:
        """Tollgates of the phases passed (approved by the coach; a cancelled project's last one is
        not), a returned one where the spec says so, and a pending one awaiting the coach."""
        spec, lead, decider = self.spec, self.lead, self.decider
        reviews: list[TollgateReview] = []
        approved_phases = self.past[:-1] if spec.phase == Phase.CANCELLED else self.past
        for i, phase in enumerate(approved_phases):
            entered, left = self.bounds[i], self.bounds[i + 1]
            if spec.returned == phase:
                sent = entered + (left - entered) * 0.5
                comments = RETURN_COMMENTS.get(phase, "Not complete yet; see my notes in the checklist.")
                reviews.append(
                    self._review(
                        phase,
                        sent,
                        decision=ReviewDecision.RETURNED,
                        decided_by=decider,
                        decided_at=sent + dt.timedelta(days=2),
                        comments=comments,
                    )
                )
                self.act(sent, lead, "tollgate.submitted", f"{lead.user.display_name} submitted the {phase} tollgate")
                self.act(
                    sent + dt.timedelta(days=2), decider, "tollgate.returned", f"The {phase} tollgate was returned"
                )
            review = self._review(
                phase,
                max(entered, left - dt.timedelta(days=3)),
                decision=ReviewDecision.APPROVED,
                decided_by=decider,
                decided_at=left,
                comments="Approved. Well done." if i % 2 else "Approved; keep the sponsor in the loop.",
            )
            reviews.append(review)
            self.by_phase[phase] = review
            self.act(left, decider, "tollgate.approved", f"The {Phase(phase).label} tollgate was approved")
        if spec.pending:
            reviews.append(self._review(spec.phase, self.last_activity))
            self._pending_notice()
        TollgateReview.objects.bulk_create(reviews)

    def _pending_notice(self) -> None:
        label = Phase(self.spec.phase).label
        lead, sent = self.lead, self.last_activity
        self.act(sent, lead, "tollgate.submitted", f"{lead.user.display_name} submitted the {label} tollgate")
        if self.decider is not None:
            Notification.objects.create(
                recipient=self.decider,
                project=self.project,
                verb="tollgate.submitted",
                message=f"{self.project.title}: the {label} tollgate awaits your review.",
                created_at=sent,
            )

    def _checklist(self) -> None:
        """Phases passed all done; the current phase partly (all of it when submitted)."""
        spec, past, bounds = self.spec, self.past, self.bounds
        done_rows = []
        for item in ChecklistItem.objects.filter(project=self.project).order_by("phase", "position"):
            if item.phase in past or spec.phase == Phase.CLOSED:
                index = past.index(item.phase) if item.phase in past else len(past) - 1
                done_at = bounds[index] + (bounds[index + 1] - bounds[index]) * (0.3 + 0.1 * item.position)
            elif item.phase == spec.phase and (spec.pending or item.position < 1 + self.number % 2):
                done_at = self.current_entry + (self.last_activity - self.current_entry) * 0.5
            else:
                continue
            if spec.phase == Phase.CANCELLED and item.phase == spec.cancelled_from and item.position > 0:
                continue
            item.done, item.done_by, item.done_at = True, self.lead, self.clamp(done_at)
            done_rows.append(item)
        ChecklistItem.objects.bulk_update(done_rows, ["done", "done_by", "done_at"])

    def _scores(self) -> list[SelectionScore]:
        """Selection scores from both sides (candidates waiting to be scored have none)."""
        if not self.spec.scores:
            return []
        title, number = self.spec.title, self.number
        scores: list[SelectionScore] = []
        for k, person in enumerate(p for p in (self.lead, self.coach, self.sponsor) if p is not None):
            base = 3 + round(_noise(title, "score") * 2) - (k == 2 and number % 3 == 0)
            scores.append(
                SelectionScore(
                    tenant_id=self.tenant_id,
                    project=self.project,
                    scorer=person,
                    customer_value=max(1, min(5, base + (k == 2))),
                    buy_in=max(1, min(5, base - (number % 2))),
                    durability=max(1, min(5, 3 + k % 2)),
                    effort=max(1, min(5, 2 + (number + k) % 3)),
                    data_availability=max(1, min(5, base - 1 + k % 2)),
                    comment="Data is there; the question is the operators' time." if k == 2 else "",
                )
            )
        SelectionScore.objects.bulk_create(scores)
        for person in {s.scorer_id: s.scorer for s in scores}.values():
            self.act(
                self.bounds[0] + dt.timedelta(days=2),
                person,
                "selection.scored",
                f"{person.user.display_name} scored it",
            )
        return scores

    def _waiting(self) -> str:
        """The waiting period, if the project waits on someone else; returns its kind (or "")."""
        spec = self.spec
        if spec.waiting is None or spec.phase not in OPEN_PHASES:
            return ""
        kind, reason, days = spec.waiting
        started = timezone.localdate() - dt.timedelta(days=min(days, spec.in_phase))
        WaitingPeriod.objects.create(
            project=self.project,
            kind=kind,
            reason=reason,
            started_on=started,
            expected_end_on=started + dt.timedelta(days=45),
            phase=spec.phase,
            created_by=self.lead,
        )
        self.act(
            self.now - dt.timedelta(days=days),
            self.lead,
            "waiting.started",
            f"Waiting: {WaitingKind(kind).label.lower()}",
        )
        return kind

    def _benefits(self) -> None:
        """Estimated by the lead, validated or disputed by the customer sponsor."""
        relationship = self.project.relationship
        scorecard = Scorecard.objects.filter(relationship=relationship).first() if relationship else None
        metric_keys = (
            set(Metric.objects.filter(version__scorecard=scorecard).values_list("key", flat=True))
            if scorecard
            else set()
        )
        estimated_at = self.clamp(
            self.current_entry - dt.timedelta(days=10) if self.final else self.current_entry + dt.timedelta(days=5)
        )
        benefits = [
            self._benefit(k, spec_benefit, estimated_at, scorecard if spec_benefit.metric in metric_keys else None)
            for k, spec_benefit in enumerate(self.spec.benefits)
        ]
        Benefit.objects.bulk_create(benefits)

    def _benefit(self, k: int, spec_benefit: B, estimated_at: dt.datetime, scorecard: Scorecard | None) -> Benefit:
        sponsor, lead = self.sponsor, self.lead
        validated = spec_benefit.validated is not None and sponsor is not None
        status = BenefitStatus.ESTIMATED
        if validated:
            status = BenefitStatus.DISPUTED if spec_benefit.disputed else BenefitStatus.VALIDATED
        self.act(estimated_at, lead, "benefit.created", f"{lead.user.display_name} estimated a benefit")
        if validated and sponsor is not None:
            verb = "benefit.disputed" if spec_benefit.disputed else "benefit.validated"
            summary = f"{sponsor.user.display_name} {verb.split('.')[1]} a benefit"
            self.act(estimated_at + dt.timedelta(days=6), sponsor, verb, summary)
        elif sponsor is not None and self.spec.phase in OPEN_PHASES:
            Notification.objects.create(
                recipient=sponsor,
                project=self.project,
                verb="benefit.estimated",
                message=f"{self.project.title}: a benefit of {spec_benefit.estimated:,} {spec_benefit.currency} "
                "waits for your validation.",
                created_at=self.clamp(estimated_at),
            )
        return Benefit(
            tenant_id=self.tenant_id,
            project=self.project,
            kind=spec_benefit.kind,
            description=spec_benefit.description,
            period_start=_day(estimated_at) - dt.timedelta(days=180),
            period_end=_day(estimated_at),
            currency=spec_benefit.currency,
            estimated_amount=Decimal(spec_benefit.estimated),
            validated_amount=Decimal(spec_benefit.validated or 0) if status == BenefitStatus.VALIDATED else None,
            status=status,
            scorecard=scorecard,
            metric_key=spec_benefit.metric if scorecard is not None else "",
            validated_by=sponsor if validated else None,
            validated_at=self.clamp(estimated_at + dt.timedelta(days=6)) if validated else None,
            customer_comment=spec_benefit.disputed or ("Checked against our invoices." if validated else ""),
            created_by=lead,
            created_at=estimated_at - dt.timedelta(minutes=k),
        )

    def _feedback(self) -> None:
        """Customer feedback on approved tollgates and at closing."""
        sponsor = self.sponsor
        if sponsor is None:
            return
        feedback = []
        for k, phase in enumerate(self.spec.feedback):
            reviewed = self.by_phase.get(phase if phase != Phase.CLOSED else Phase.CONTROL)
            satisfaction, worked, change = FEEDBACK[(self.number + k) % len(FEEDBACK)]
            moment = reviewed.decided_at if reviewed is not None and reviewed.decided_at else self.current_entry
            feedback.append(
                CustomerFeedback(
                    tenant_id=self.tenant_id,
                    project=self.project,
                    review=reviewed,
                    phase=phase,
                    author=sponsor,
                    satisfaction=satisfaction,
                    what_worked=worked,
                    what_to_change=change,
                    created_at=self.clamp(moment + dt.timedelta(days=1)),
                )
            )
            self.act(
                moment + dt.timedelta(days=1), sponsor, "feedback.created", f"{sponsor.user.display_name} gave feedback"
            )
        CustomerFeedback.objects.bulk_create(feedback)

    def _comments(self) -> None:
        """The spec's own comments, or a short exchange between lead and coach."""
        spec = self.spec
        comments = list(spec.comments)
        if not comments:
            comments = [(spec.lead, "Kick-off held with the customer team; notes are in the charter.", False)]
            if spec.coach and self.number % 3 == 0:
                comments.append((spec.coach, "Watch the scope: this is creeping into a second circuit.", True))
        rows = []
        first = self.bounds[0]
        for k, (email, body, internal) in enumerate(comments):
            author = self.logins.get(email)
            if author is None:
                continue
            moment = self.clamp(first + (self.last_activity - first) * (0.4 + 0.3 * k))
            rows.append(
                ProjectComment(
                    tenant_id=self.tenant_id,
                    project=self.project,
                    author=author,
                    body=body,
                    internal_only=internal,
                    created_at=moment,
                )
            )
            self.act(moment, author, "comment.created", f"{author.user.display_name} commented", internal=internal)
        ProjectComment.objects.bulk_create(rows)

    def _team(self) -> None:
        """The customer team: the account's first contacts."""
        contacts = list(Contact.objects.filter(account=self.account).order_by("full_name")[:2])
        TeamMember.objects.bulk_create(
            [
                TeamMember(
                    tenant_id=self.tenant_id, project=self.project, contact=c, role=("Process owner", "Data owner")[k]
                )
                for k, c in enumerate(contacts)
            ]
        )

    def _finish(self, scores: list[SelectionScore], waiting_kind: str) -> None:
        """Credit (settled in Define on most projects), the closing lines of the feed, and the
        denormalised fields of the project, consistent with the rows written above."""
        spec, lead = self.spec, self.lead
        credit = CreditOwner.UNSETTLED
        settled_at = None
        if self.last_phase != Phase.CANDIDATE and spec.credit != "unsettled":
            credit = CreditOwner.BOTH if self.sponsor is not None and self.number % 2 else CreditOwner.SUPPLIER
            define_end = self.bounds[2] if len(self.bounds) > 2 else self.last_activity
            settled_at = self.clamp(self.bounds[1] + (define_end - self.bounds[1]) * 0.4)
        if spec.phase == Phase.CANCELLED:
            self.act(self.current_entry, lead, "project.cancelled", f"Cancelled: {spec.cancel_reason}")
        elif spec.phase == Phase.CLOSED:
            self.act(self.current_entry, self.decider, "project.closed", "The project was closed")
        self.act(self.last_activity, lead, "checklist.toggled", f"{lead.user.display_name} updated the checklist")
        ProjectActivity.objects.bulk_create(self.activity)
        Project.objects.filter(pk=self.project.pk).update(
            phase=spec.phase,
            phase_entered_at=self.current_entry,
            last_activity_at=max([self.last_activity, *(a.created_at for a in self.activity)]),
            waiting_kind=waiting_kind,
            tollgate_pending=spec.pending,
            selection_score=score_recompute(self.project, self.settings) if scores else None,
            credit_owner=credit,
            credit_settled_by=(self.coach or lead) if settled_at else None,
            credit_settled_at=settled_at,
            credit_note="Agreed at the charter review." if settled_at else "",
            closed_on=_day(self.current_entry) if self.final else None,
            cancel_reason=spec.cancel_reason,
            created_at=self.start,
        )


# --- Benchmark tenant ---------------------------------------------------------------------------

BENCH_PEOPLE = (
    ("bench.lead1@benchco.example", "Bench Lead One", Role.REP),
    ("bench.lead2@benchco.example", "Bench Lead Two", Role.REP),
    ("bench.lead3@benchco.example", "Bench Lead Three", Role.CHAMPION),
    ("bench.coach1@benchco.example", "Bench Coach One", Role.COACH),
    ("bench.coach2@benchco.example", "Bench Coach Two", Role.COACH),
)
#: 100 slots → phase: the share of projects in each phase.
BENCH_PHASES = (
    [Phase.CANDIDATE] * 20
    + [Phase.DEFINE] * 15
    + [Phase.MEASURE] * 15
    + [Phase.ANALYZE] * 12
    + [Phase.IMPROVE] * 12
    + [Phase.CONTROL] * 8
    + [Phase.CLOSED] * 15
    + [Phase.CANCELLED] * 3
)


def _bench_people() -> tuple[list[Membership], list[Membership]]:
    """A handful of leads and coaches (no password: they are not logins)."""
    leads: list[Membership] = []
    coaches: list[Membership] = []
    unusable = make_password(None)
    for email, name, role in BENCH_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, full_name=name, password=unusable, is_active=True)
        member, _ = Membership.objects.get_or_create(user=user, defaults={"role": role})
        (coaches if role == Role.COACH else leads).append(member)
    return leads, coaches


def seed_bench(options: BenchOptions) -> dict[str, int]:
    """``count`` projects in the benchmark tenant (which ``partnering.demo.seed_bench`` created), spread over
    its accounts and phases, with history rows; bulk-created. Projects are numbered, so a second run with
    the same ``count`` adds nothing and a larger one adds the missing ones."""
    count = options.projects
    tenant = Tenant.objects.get(slug=BENCH_SLUG)
    with tenant_context(tenant), transaction.atomic():
        existing = set(Project.objects.filter(title__startswith="Bench project ").values_list("title", flat=True))
        wanted = [i for i in range(1, count + 1) if BENCH_TITLE.format(i) not in existing]
        if not wanted:
            return {"projects_created": 0}
        admin = Membership.objects.filter(role=Role.ADMIN).order_by("created_at").first()
        leads, coaches = _bench_people()
        leads = [*leads, *([admin] if admin else [])]
        accounts = list(
            Relationship.objects.filter(business_unit="").select_related("account").order_by("account__name")
        )
        if not accounts:
            return {"projects_created": 0}
        knowledge_demo.ensure_tree(knowledge_demo.AQUENTA_TREE)
        areas = list(SolutionArea.objects.filter(depth__gte=1).order_by("path"))
        settings_for_tenant()
        templates = checklist_templates_ensure()
        rows = _bench_rows(tenant.pk, wanted, accounts, leads, coaches, areas, templates)
        names = [f"projects.{model}:insert_insert" for model in HISTORY_TRACKED]
        with pgtrigger.ignore(*names):
            for model, objects in rows.items():
                model.objects.bulk_create(objects, batch_size=2000)
    return {"projects_created": len(wanted)}


@dataclass(frozen=True)
class _BenchPlan:
    """What benchmark project ``i`` looks like: its phase, people, dates and flags (from ``i`` alone)."""

    i: int
    phase: str
    lead: Membership
    coach: Membership
    past: list[str]
    started_days: int
    in_phase: int
    start: dt.datetime
    entry: dt.datetime
    idle: int
    pending: bool
    waiting: str

    @classmethod
    def of(cls, i: int, leads: list[Membership], coaches: list[Membership], now: dt.datetime) -> _BenchPlan:
        phase = BENCH_PHASES[(i * 37) % 100]
        started_days = 400 + i % 200 if i % 17 == 5 else 20 + (i * 7) % 300  # every 17th runs long
        past: list[str] = PHASE_ORDER[: PHASE_ORDER.index(phase)] if phase != Phase.CANCELLED else [Phase.CANDIDATE]
        in_phase = max(1, started_days // (len(past) + 1))
        is_open = phase in OPEN_PHASES
        stalled = is_open and i % 10 == 3 and in_phase > 50
        return cls(
            i=i,
            phase=phase,
            lead=leads[i % len(leads)],
            coach=coaches[i % len(coaches)],
            past=past,
            started_days=started_days,
            in_phase=in_phase,
            start=now - dt.timedelta(days=started_days),
            entry=now - dt.timedelta(days=in_phase),
            idle=50 if stalled else min(in_phase, i % 7),
            pending=is_open and i % 7 == 2 and not stalled,
            waiting=BENCH_WAITING_KINDS[i % 3] if is_open and i % 9 == 4 else "",
        )

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES


BENCH_WAITING_KINDS = [str(k) for k in WaitingKind]


def _bench_project(
    t: dict[str, Any], plan: _BenchPlan, relationship: Relationship, areas: list[SolutionArea], now: dt.datetime
) -> Project:
    i, phase, today = plan.i, plan.phase, timezone.localdate()
    return Project(
        **t,
        customer_account=relationship.account,
        relationship=relationship,
        title=BENCH_TITLE.format(i),
        problem_statement="Benchmark problem statement.",
        belt_level=BeltLevel.BLACK if i % 11 == 0 else BeltLevel.GREEN,
        lead=plan.lead,
        coach=plan.coach,
        solution_area=areas[i % len(areas)] if areas else None,
        is_pilot=i % 250 == 0,
        phase=phase,
        phase_entered_at=plan.entry,
        last_activity_at=now - dt.timedelta(days=plan.idle),
        waiting_kind=plan.waiting,
        tollgate_pending=plan.pending,
        selection_score=Decimal(20 + (i * 13) % 80),
        credit_owner=CreditOwner.SUPPLIER if phase != Phase.CANDIDATE and i % 13 else CreditOwner.UNSETTLED,
        started_on=today - dt.timedelta(days=plan.started_days),
        closed_on=today - dt.timedelta(days=plan.in_phase) if not plan.is_open else None,
        cancel_reason="Benchmark cancellation." if phase == Phase.CANCELLED else "",
        internal_notes="Benchmark internal note.",
        created_by=plan.lead,
        created_at=plan.start,
    )


def _bench_phases(t: dict[str, Any], plan: _BenchPlan, project: Project, now: dt.datetime) -> dict[Any, list[Any]]:
    """The project's phase visits and tollgate reviews (approved for every phase passed, one pending)."""
    visits: list[PhaseVisit] = []
    reviews: list[TollgateReview] = []
    step = (plan.entry - plan.start) / max(1, len(plan.past))
    for k, visited in enumerate(plan.past):
        left = plan.start + step * (k + 1)
        visits.append(PhaseVisit(**t, project=project, phase=visited, entered_at=plan.start + step * k, left_at=left))
        if plan.phase != Phase.CANCELLED:
            reviews.append(
                TollgateReview(
                    **t,
                    project=project,
                    phase=visited,
                    submitted_by=plan.lead,
                    submitted_at=left - dt.timedelta(days=1),
                    decision=ReviewDecision.APPROVED,
                    decided_by=plan.coach,
                    decided_at=left,
                )
            )
    visits.append(PhaseVisit(**t, project=project, phase=plan.phase, entered_at=plan.entry))
    if plan.pending:
        reviews.append(TollgateReview(**t, project=project, phase=plan.phase, submitted_by=plan.lead, submitted_at=now))
    return {PhaseVisit: visits, TollgateReview: reviews}


def _bench_work(t: dict[str, Any], plan: _BenchPlan, project: Project, templates: list[Any]) -> dict[Any, list[Any]]:
    """The project's waiting period, benefit and checklist (done up to the current phase)."""
    i, phase, today = plan.i, plan.phase, timezone.localdate()
    rows: dict[Any, list[Any]] = {WaitingPeriod: [], Benefit: [], ChecklistItem: []}
    if plan.waiting:
        started_on = today - dt.timedelta(days=min(plan.in_phase, 10))
        rows[WaitingPeriod].append(
            WaitingPeriod(
                **t,
                project=project,
                kind=plan.waiting,
                reason="Benchmark wait.",
                started_on=started_on,
                phase=phase,
                created_by=plan.lead,
            )
        )
    if phase in (Phase.IMPROVE, Phase.CONTROL, Phase.CLOSED):
        validated = phase != Phase.IMPROVE and i % 2 == 0
        rows[Benefit].append(
            Benefit(
                **t,
                project=project,
                kind=BenefitKind.HARD_SAVINGS,
                description="Benchmark benefit.",
                period_start=today - dt.timedelta(days=180),
                period_end=today,
                currency=("EUR", "USD", "SEK")[i % 3],
                estimated_amount=Decimal(10_000 + (i * 97) % 90_000),
                validated_amount=Decimal(9_000 + (i * 97) % 80_000) if validated else None,
                status=BenefitStatus.VALIDATED if validated else BenefitStatus.ESTIMATED,
                created_by=plan.lead,
            )
        )
    done_phases = set(plan.past) if plan.is_open else set(DMAIC_PHASES)
    rows[ChecklistItem] = [
        ChecklistItem(
            **t,
            project=project,
            phase=template.phase,
            title=template.title,
            position=template.position,
            done=template.phase in done_phases,
            done_by=plan.lead if template.phase in done_phases else None,
            done_at=plan.entry if template.phase in done_phases else None,
        )
        for template in templates
    ]
    return rows


def _bench_rows(
    tenant_id: Any,
    numbers: list[int],
    relationships: list[Relationship],
    leads: list[Membership],
    coaches: list[Membership],
    areas: list[SolutionArea],
    templates: list[Any],
) -> dict[Any, list[Any]]:
    """Every row of the benchmark projects ``numbers``, by model (in the order they are inserted)."""
    now = timezone.now()
    t = {"tenant_id": tenant_id}
    rows: dict[Any, list[Any]] = {
        model: [] for model in (Project, PhaseVisit, TollgateReview, WaitingPeriod, Benefit, ChecklistItem)
    }
    for i in numbers:
        plan = _BenchPlan.of(i, leads, coaches, now)
        project = _bench_project(t, plan, relationships[i % len(relationships)], areas, now)
        rows[Project].append(project)
        for part in (_bench_phases(t, plan, project, now), _bench_work(t, plan, project, templates)):
            for model, objects in part.items():
                rows[model] += objects
    return rows


__all__ = ["BENCH_SLUG", "seed_bench", "seed_tenant"]
