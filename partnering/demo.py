"""Demo content of the partnering module, called by ``manage.py seed_demo``.

``seed_tenant(slug)`` fills a demo tenant (rich for "aquenta", light for "kestrel") with accounts,
a Rolodex, relationships at different levels with a year of meetings, actions and future topics.
Rows go through the area services (``partnering.accounts`` …) where that is practical (they validate); historical dates
are then set directly. ``seed_bench(count)`` bulk-creates a large tenant for the benchmarks.

Both are idempotent: an account's content is built only when its relationship does not exist
yet, contacts are matched by name, benchmark accounts by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.demo import BENCH_EMAIL, BENCH_SLUG, BenchOptions, DemoTenant
from core.models import Membership, Tenant, User
from core.tenancy import tenant_context
from partnering import accounts, meetings, relationships, work
from partnering.models import (
    HARD_QUESTIONS,
    ActionItem,
    ActionStatus,
    Attendee,
    Contact,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    Level,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Relationship,
    RosterEntry,
    Side,
    TopicCategory,
    TopicScore,
    TopicStatus,
)

BENCH_CONTACTS = 20
BENCH_MEETINGS = 8
BENCH_ACTIONS = 10
BENCH_TOPICS = 6


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    function: str
    geography: str
    email: str
    phone: str
    internal_notes: str = ""


@dataclass(frozen=True)
class AccountSpec:
    """One demo customer account and how far its relationship has come."""

    name: str
    industry: str
    region: str
    description: str
    contacts: tuple[Person, ...]
    #: (level, days ago) from the first level to the current one.
    levels: tuple[tuple[str, int], ...]
    supplier_champion: str
    customer_champion: str | None = None
    supplier_sponsors: tuple[str, ...] = ()
    customer_sponsors: tuple[str, ...] = ()
    reviews_held: tuple[int, ...] = ()  # days ago
    steering_meetings: tuple[int, ...] = ()  # days ago
    intro_meeting: int | None = None  # days ago, an "other" meeting
    planned_review_in: int = 30  # days ahead
    topics: int = 0
    short_list: int = 0
    internal_notes: str = ""
    relationship_notes: str = ""
    plan_summary: str = ""
    roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TenantSpec:
    owner: str  # e-mail of the rep who owns every account
    actor: str  # e-mail of the admin who "types in" the content
    own_people: tuple[Person, ...]
    accounts: tuple[AccountSpec, ...]


AQUENTA_OWN = (
    Person(
        "Priya Raman", "Program office lead", "Program office", "Global", "admin@aquenta.example", "+1 312 555 0101"
    ),
    Person(
        "Martin Keller", "Chief Commercial Officer", "Executive", "Europe", "exec@aquenta.example", "+49 40 5550 1102"
    ),
    Person("Dana Brooks", "Lean Six Sigma coach", "Continuous improvement", "Global", "coach@aquenta.example", ""),
    Person(
        "Lars Nilsson",
        "Strategic account champion",
        "Key accounts",
        "Nordics",
        "champion@aquenta.example",
        "+46 8 555 0104",
    ),
    Person("Sofia Marquez", "Account manager", "Sales", "North America", "rep@aquenta.example", "+1 713 555 0105"),
    Person(
        "Jonas Weber",
        "Application engineer",
        "Engineering",
        "Europe",
        "jonas.weber@aquenta.example",
        "+49 89 5550 1106",
        internal_notes="Best person for on-site trials; prefers to travel in Q1.",
    ),
)

AQUENTA_ACCOUNTS = (
    AccountSpec(
        name="Northfield Paper Mill",
        industry="Pulp & paper",
        region="Nordics",
        description="Integrated pulp and paper mill, two machines, 400 kt/a. Buys boiler and cooling-water treatment.",
        internal_notes="Renewal of the cooling-water contract in March; price pressure from a local competitor.",
        contacts=(
            Person(
                "Ana Lopez",
                "Utilities manager",
                "Operations",
                "Sweden",
                "ana.lopez@northfield-paper.example",
                "+46 60 555 0201",
            ),
            Person(
                "Helen Berg",
                "VP Operations",
                "Executive",
                "Sweden",
                "helen.berg@northfield-paper.example",
                "+46 60 555 0202",
                internal_notes="Decision maker on multi-year deals; values data over slides.",
            ),
            Person("Erik Lund", "Quality manager", "Quality", "Sweden", "erik.lund@northfield-paper.example", ""),
            Person(
                "Maja Holm",
                "Category buyer",
                "Procurement",
                "Nordics",
                "maja.holm@northfield-paper.example",
                "+46 8 555 0204",
            ),
            Person(
                "Oskar Strand", "Shift lead, PM2", "Operations", "Sweden", "oskar.strand@northfield-paper.example", ""
            ),
            Person(
                "Ingrid Dahl", "Environmental engineer", "HSE", "Sweden", "ingrid.dahl@northfield-paper.example", ""
            ),
            Person(
                "Pekka Virtanen",
                "Energy manager",
                "Engineering",
                "Finland",
                "pekka.virtanen@northfield-paper.example",
                "",
            ),
        ),
        levels=(
            (Level.TRANSACTIONAL, 365),
            (Level.PREFERRED, 280),
            (Level.STRONG_PREFERRED, 170),
            (Level.STRATEGIC, 50),
        ),
        supplier_champion="champion@aquenta.example",
        customer_champion="ana.lopez@northfield-paper.example",
        supplier_sponsors=("exec@aquenta.example", "admin@aquenta.example"),
        customer_sponsors=("helen.berg@northfield-paper.example",),
        reviews_held=(335, 245, 155, 63),
        steering_meetings=(200, 100),
        planned_review_in=27,
        topics=14,
        short_list=4,
        relationship_notes="Margin on this account is thin; do not offer the dosing upgrade below list price.",
        plan_summary="Quarterly reviews with the utilities team; joint steering team on water reuse; "
        "sponsors meet twice a year.",
        roles={
            "Ana Lopez": "Customer point person",
            "Helen Berg": "Executive sponsor",
            "Erik Lund": "Quality lead",
            "Maja Holm": "Procurement",
            "Lars Nilsson": "Supplier point person",
            "Jonas Weber": "Technical lead",
        },
    ),
    AccountSpec(
        name="Riverside Power Station",
        industry="Power generation",
        region="North America",
        description="Combined-cycle gas plant, 2 × 450 MW. Cooling tower and demineralised water treatment.",
        contacts=(
            Person(
                "Tom Reed", "Chemistry supervisor", "Operations", "Ohio, US", "tom.reed@riverside-power.example", ""
            ),
            Person(
                "Raj Patel",
                "Plant manager",
                "Executive",
                "Ohio, US",
                "raj.patel@riverside-power.example",
                "+1 614 555 0302",
            ),
            Person(
                "Linda Chow", "Maintenance planner", "Maintenance", "Ohio, US", "linda.chow@riverside-power.example", ""
            ),
            Person(
                "Greg Mills",
                "Purchasing agent",
                "Procurement",
                "US",
                "greg.mills@riverside-power.example",
                "+1 614 555 0304",
            ),
            Person(
                "Nora Quinn",
                "EHS coordinator",
                "HSE",
                "Ohio, US",
                "nora.quinn@riverside-power.example",
                "",
                internal_notes="Raised the discharge-permit issue; keep her in the loop on chemistry changes.",
            ),
            Person(
                "Victor Alvarez",
                "Operations engineer",
                "Engineering",
                "Ohio, US",
                "victor.alvarez@riverside-power.example",
                "",
            ),
        ),
        levels=((Level.TRANSACTIONAL, 360), (Level.PREFERRED, 210), (Level.STRONG_PREFERRED, 70)),
        supplier_champion="champion@aquenta.example",
        customer_champion="tom.reed@riverside-power.example",
        supplier_sponsors=("exec@aquenta.example",),
        customer_sponsors=("raj.patel@riverside-power.example",),
        reviews_held=(320, 230, 140, 48),
        steering_meetings=(95,),
        planned_review_in=40,
        topics=9,
        short_list=3,
        internal_notes="Competitor trial running on unit 2 cooling tower until spring.",
        plan_summary="Quarterly reviews on site; steering team on the discharge-permit renewal.",
        roles={
            "Tom Reed": "Customer point person",
            "Raj Patel": "Executive sponsor",
            "Sofia Marquez": "Supplier point person",
        },
    ),
    AccountSpec(
        name="Coastal Refining Co.",
        industry="Oil & gas refining",
        region="Gulf Coast",
        description="Refinery, 180 kbpd. Process-water and wastewater treatment, desalter chemistry.",
        contacts=(
            Person(
                "Carla Benton",
                "Water systems lead",
                "Operations",
                "Texas, US",
                "carla.benton@coastal-refining.example",
                "",
            ),
            Person(
                "Dwayne Fox",
                "Refinery manager",
                "Executive",
                "Texas, US",
                "dwayne.fox@coastal-refining.example",
                "+1 409 555 0402",
            ),
            Person("Ellen Marsh", "Procurement lead", "Procurement", "US", "ellen.marsh@coastal-refining.example", ""),
            Person(
                "Hector Ruiz",
                "Process engineer",
                "Engineering",
                "Texas, US",
                "hector.ruiz@coastal-refining.example",
                "",
            ),
            Person("Judy Kim", "Lab supervisor", "Quality", "Texas, US", "judy.kim@coastal-refining.example", ""),
        ),
        levels=((Level.TRANSACTIONAL, 340), (Level.PREFERRED, 130)),
        supplier_champion="champion@aquenta.example",
        supplier_sponsors=("exec@aquenta.example",),
        reviews_held=(210, 120, 30),
        planned_review_in=60,
        topics=4,
        short_list=1,
        roles={"Carla Benton": "Customer point person", "Sofia Marquez": "Supplier point person"},
    ),
    AccountSpec(
        name="Blue Valley Foods",
        industry="Food & beverage",
        region="Midwest",
        description="Dairy and juice plants in three states; clean-in-place and boiler water.",
        contacts=(
            Person(
                "Megan Ortiz", "Plant engineer", "Engineering", "Iowa, US", "megan.ortiz@bluevalley-foods.example", ""
            ),
            Person("Frank Doyle", "Sourcing manager", "Procurement", "US", "frank.doyle@bluevalley-foods.example", ""),
            Person(
                "Priscilla Ng", "Food safety lead", "Quality", "Iowa, US", "priscilla.ng@bluevalley-foods.example", ""
            ),
            Person(
                "Sam Whitaker",
                "Operations director",
                "Executive",
                "US",
                "sam.whitaker@bluevalley-foods.example",
                "+1 515 555 0504",
            ),
        ),
        levels=((Level.PREFERRED, 330), (Level.TRANSACTIONAL, 95)),
        supplier_champion="rep@aquenta.example",
        intro_meeting=80,
        reviews_held=(250,),
        planned_review_in=45,
        topics=2,
        internal_notes="Lost the CIP tender to a low-cost bidder; rebuild trust before pitching.",
        relationship_notes="Downgraded after the tender; aim to be back at preferred within a year.",
        roles={"Megan Ortiz": "Customer point person", "Sofia Marquez": "Supplier point person"},
    ),
    AccountSpec(
        name="Summit Steel Works",
        industry="Steel",
        region="Central Europe",
        description="Integrated steel works; blast-furnace gas scrubbing and cooling circuits.",
        contacts=(
            Person(
                "Katrin Vogel", "Head of utilities", "Operations", "Austria", "katrin.vogel@summit-steel.example", ""
            ),
            Person("Milan Novak", "Buyer, chemicals", "Procurement", "Czechia", "milan.novak@summit-steel.example", ""),
            Person("Stefan Huber", "Environmental officer", "HSE", "Austria", "stefan.huber@summit-steel.example", ""),
            Person(
                "Eva Horvat",
                "Works director",
                "Executive",
                "Austria",
                "eva.horvat@summit-steel.example",
                "+43 1 555 0604",
            ),
            Person("Tomas Blaha", "Maintenance lead", "Maintenance", "Czechia", "tomas.blaha@summit-steel.example", ""),
        ),
        levels=((Level.TRANSACTIONAL, 300), (Level.PREFERRED, 160)),
        supplier_champion="champion@aquenta.example",
        supplier_sponsors=("admin@aquenta.example",),
        reviews_held=(150, 58),
        planned_review_in=33,
        topics=3,
        short_list=1,
        roles={"Katrin Vogel": "Customer point person", "Lars Nilsson": "Supplier point person"},
    ),
)

KESTREL_OWN = (
    Person("Mei Tanaka", "Key account champion", "Key accounts", "Asia-Pacific", "champion@kestrel.example", ""),
    Person("Omar Haddad", "Sales representative", "Sales", "Europe", "rep@kestrel.example", "+31 10 555 0701"),
)

KESTREL_ACCOUNTS = (
    AccountSpec(
        name="Harbor Marine Yards",
        industry="Shipbuilding & repair",
        region="North Sea",
        description="Dry docks and repair yards; antifouling and tank coatings.",
        contacts=(
            Person(
                "Jo Park", "Coatings superintendent", "Operations", "Netherlands", "jo.park@harbor-marine.example", ""
            ),
            Person(
                "Bram de Vries",
                "Purchasing manager",
                "Procurement",
                "Netherlands",
                "bram.devries@harbor-marine.example",
                "",
            ),
            Person("Sanne Visser", "QA inspector", "Quality", "Netherlands", "sanne.visser@harbor-marine.example", ""),
        ),
        levels=((Level.TRANSACTIONAL, 200), (Level.PREFERRED, 60)),
        supplier_champion="champion@kestrel.example",
        customer_champion="jo.park@harbor-marine.example",
        supplier_sponsors=("exec@kestrel.example",),
        reviews_held=(50,),
        planned_review_in=40,
        topics=3,
        short_list=1,
        roles={"Jo Park": "Customer point person", "Mei Tanaka": "Supplier point person"},
    ),
)

TENANT_SPECS = {
    "aquenta": TenantSpec(
        owner="rep@aquenta.example", actor="admin@aquenta.example", own_people=AQUENTA_OWN, accounts=AQUENTA_ACCOUNTS
    ),
    "kestrel": TenantSpec(
        owner="rep@kestrel.example", actor="admin@kestrel.example", own_people=KESTREL_OWN, accounts=KESTREL_ACCOUNTS
    ),
}

TOPIC_POOL: tuple[tuple[str, str, str], ...] = (
    ("Water reuse from the effluent plant", TopicCategory.NEW_TECHNOLOGY, Side.CUSTOMER),
    ("Joint cross-audit of chemical consumption", TopicCategory.COST_SAVINGS, Side.SUPPLIER),
    ("Prepare for the new discharge limits (2027)", TopicCategory.REGULATION, Side.CUSTOMER),
    ("Online corrosion monitoring pilot", TopicCategory.NEW_TECHNOLOGY, Side.SUPPLIER),
    ("Phosphate-free boiler programme", TopicCategory.NEW_PRODUCT, Side.SUPPLIER),
    ("Reduce make-up water by 15 %", TopicCategory.COST_SAVINGS, Side.CUSTOMER),
    ("Legionella risk plan for cooling towers", TopicCategory.REGULATION, Side.SUPPLIER),
    ("Remote dosing control via the plant historian", TopicCategory.NEW_TECHNOLOGY, Side.CUSTOMER),
    ("Supply the new site in Finland", TopicCategory.NEW_MARKET, Side.CUSTOMER),
    ("Bio-based scale inhibitor trial", TopicCategory.NEW_PRODUCT, Side.SUPPLIER),
    ("Shared KPI dashboard for water intensity", TopicCategory.OTHER, Side.SUPPLIER),
    ("Bulk delivery to cut packaging waste", TopicCategory.COST_SAVINGS, Side.CUSTOMER),
    ("Operator training on chemistry basics", TopicCategory.OTHER, Side.CUSTOMER),
    ("Zero-liquid-discharge feasibility study", TopicCategory.NEW_TECHNOLOGY, Side.SUPPLIER),
    ("CO2 footprint of the treatment programme", TopicCategory.REGULATION, Side.CUSTOMER),
    ("Membrane cleaning service", TopicCategory.NEW_PRODUCT, Side.SUPPLIER),
)

MINUTES = (
    "Reviewed the scorecard: {metric} back in the Green Zone after the dosing change. Both champions rated "
    "the quarter {rating}; the gap was on responsiveness to call-outs.",
    "Scorecard: two metrics out of the Green Zone ({metric}). Champions' ratings differed by one point; the "
    "customer asked for faster lab results.",
    "Walked through the short list; agreed to keep the top topics and drop one that lost its sponsor. "
    "Scorecard stable, {metric} trending better.",
)
DECISIONS = (
    "Move to monthly lab reports. Pilot the online monitor on one circuit.",
    "Keep the current programme; revisit pricing at the next review. Start the cross-audit.",
    "Add the discharge-limit topic to the short list. Sponsors to meet before year end.",
)
ANSWERS = (
    "Energy cost is now the top priority; water savings matter mostly through pumping energy.",
    "Yes, with one correction: procurement wants a single price list for all sites.",
)
METRICS = ("conductivity", "corrosion rate", "cycles of concentration", "chemical cost per tonne")


def _at(days: int) -> dt.datetime:
    """A meeting time ``days`` from now (negative: in the past), on the hour."""
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)


def seed_tenant(tenant_spec: DemoTenant) -> None:
    """The demo tenant's customer accounts and their participants, then its partnering content.

    Runs first of the demo steps (``core.demo.seed``), inside the tenant's context: the other apps
    build on the accounts and people made here.
    """
    by_name = {name: CustomerAccount.objects.get_or_create(name=name)[0] for name in tenant_spec.accounts}
    for person in tenant_spec.users:
        if person.account is not None:
            Membership.objects.update_or_create(
                user=User.objects.get(email=person.email),
                defaults={"role": person.role, "customer_account": by_name[person.account]},
            )
    spec = TENANT_SPECS.get(tenant_spec.slug)
    if spec is None:
        return
    logins = {m.user.email: m for m in Membership.objects.select_related("user")}
    actor, owner = logins[spec.actor], logins[spec.owner]
    work.settings_for_tenant()
    own = {p.name: _contact(actor, p, None, logins) for p in spec.own_people}
    for index, account_spec in enumerate(spec.accounts):
        account = _account(account_spec, actor, owner)
        people = {p.name: _contact(actor, p, account, logins) for p in account_spec.contacts}
        if Relationship.objects.filter(account=account, business_unit="").exists():
            continue  # content built by an earlier run
        _relationship(account_spec, account, actor, owner, logins, own, people, seed=index)


def _account(spec: AccountSpec, actor: Membership, owner: Membership) -> CustomerAccount:
    """The account (made by ``seed_tenant`` or an earlier run) with the spec's details (saved only
    when something differs)."""
    account, _ = CustomerAccount.objects.get_or_create(name=spec.name)
    return accounts.account_update(
        actor=actor,
        account=account,
        industry=spec.industry,
        region=spec.region,
        owner=owner,
        description=spec.description,
        internal_notes=spec.internal_notes,
    )


def _contact(
    actor: Membership, person: Person, account: CustomerAccount | None, logins: dict[str, Membership]
) -> Contact:
    existing: Contact | None = Contact.objects.filter(account=account, full_name=person.name).first()
    if existing is not None:
        return existing
    login = logins.get(person.email)
    if login is not None and (login.customer_account_id != (account.pk if account else None)):
        login = None  # e.g. a login of our company never links to a customer's contact
    return accounts.contact_create(
        actor=actor,
        full_name=person.name,
        account=account,
        title=person.title,
        function=person.function,
        geography=person.geography,
        email=person.email,
        phone=person.phone,
        membership=login,
        internal_notes=person.internal_notes,
    )


def _relationship(
    spec: AccountSpec,
    account: CustomerAccount,
    actor: Membership,
    owner: Membership,
    logins: dict[str, Membership],
    own: dict[str, Contact],
    people: dict[str, Contact],
    *,
    seed: int,
) -> Relationship:
    """The account's relationship with a year of history: levels, people, meetings, topics, actions."""
    relationship = _relationship_started(spec, account, actor, logins)
    _level_history(spec, relationship, actor)
    _sponsors_and_roster(spec, relationship, actor, logins, {**own, **people})
    supplier_champion = logins[spec.supplier_champion]
    customer_champion = logins.get(spec.customer_champion or "")
    ours = [c for c in own.values() if c.membership_id in (supplier_champion.pk, owner.pk)]
    theirs = list(people.values())[:3]
    held = _meetings(spec, relationship, actor, ours + theirs, seed=seed)
    topics = _topics(spec, relationship, actor, supplier_champion, customer_champion, ours, theirs, seed=seed)
    _actions(relationship, actor, owner, supplier_champion, customer_champion, held, topics)
    _contact_activity(owner, theirs)
    return relationship


def _relationship_started(
    spec: AccountSpec, account: CustomerAccount, actor: Membership, logins: dict[str, Membership]
) -> Relationship:
    """The relationship at its first level, dated back to when it started."""
    first_level, first_days = spec.levels[0]
    relationship = relationships.relationship_create(
        actor=actor,
        account=account,
        level=first_level,
        supplier_champion=logins[spec.supplier_champion],
        customer_champion=logins.get(spec.customer_champion or ""),
        plan_summary=spec.plan_summary,
        internal_notes=spec.relationship_notes,
    )
    started = timezone.localdate() - dt.timedelta(days=first_days)
    LevelChange.objects.filter(relationship=relationship).update(changed_on=started, note="Relationship started.")
    Relationship.objects.filter(pk=relationship.pk).update(created_at=_at(-first_days))
    return relationship


def _level_history(spec: AccountSpec, relationship: Relationship, actor: Membership) -> None:
    """The dated level changes after the first level (up after reviews, down after a lost tender)."""
    order = [str(x) for x in Level]
    for level, days in spec.levels[1:]:
        moved_up = order.index(level) > order.index(relationship.level)
        note = "Agreed at the quarterly review." if moved_up else "Downgraded after the lost tender."
        relationships.relationship_change_level(
            actor=actor,
            relationship=relationship,
            level=level,
            changed_on=timezone.localdate() - dt.timedelta(days=days),
            note=note,
        )
        relationship.level = level
    relationship.refresh_from_db()


def _sponsors_and_roster(
    spec: AccountSpec,
    relationship: Relationship,
    actor: Membership,
    logins: dict[str, Membership],
    everyone: dict[str, Contact],
) -> None:
    for email in (*spec.supplier_sponsors, *spec.customer_sponsors):
        if email in logins:
            relationships.sponsor_add(actor=actor, relationship=relationship, membership=logins[email])
    for name, role in spec.roles.items():
        relationships.roster_add(
            actor=actor,
            relationship=relationship,
            contact=everyone[name],
            role=role,
            is_point_person="point person" in role,
        )


def _contact_activity(owner: Membership, theirs: list[Contact]) -> None:
    """Two recent calls or e-mails of the account owner with the customer's people."""
    for days, contact in ((40, theirs[0]), (15, theirs[-1])):
        accounts.contact_activity_add(
            actor=owner,
            contact=contact,
            summary=f"Call with {contact.full_name} about the next review and open actions.",
            channel="call" if days > 20 else "email",
            occurred_on=timezone.localdate() - dt.timedelta(days=days),
        )


def _meetings(
    spec: AccountSpec, relationship: Relationship, actor: Membership, attendees: list[Contact], *, seed: int
) -> list[Meeting]:
    held: list[Meeting] = []
    plan: list[tuple[int, str, str]] = [(days, MeetingKind.QUARTERLY_REVIEW, "") for days in spec.reviews_held]
    plan += [(days, MeetingKind.STEERING_TEAM, "Steering team") for days in spec.steering_meetings]
    if spec.intro_meeting is not None:
        plan.append((spec.intro_meeting, MeetingKind.OTHER, "Relaunch conversation"))
    for number, (days, kind, title) in enumerate(sorted(plan, reverse=True)):
        variant = (seed + number) % len(MINUTES)
        meeting = meetings.meeting_create(
            actor=actor,
            relationship=relationship,
            starts_at=_at(-days),
            attendees=attendees,
            kind=kind,
            title=title or f"Quarterly review – {relationship.account.name}",
            location="On site" if number % 2 else "Video call",
            status=MeetingStatus.HELD,
            minutes=MINUTES[variant].format(metric=METRICS[variant], rating="4 of 5"),
            decisions=DECISIONS[variant],
            internal_notes="Their buyer hinted at a competing quote; prepare options." if number % 2 == 0 else "",
        )
        Attendee.objects.filter(meeting=meeting).update(attended=True)
        Attendee.objects.filter(meeting=meeting, contact=attendees[-1]).update(attended=number % 3 != 0)
        for position, answer in enumerate(ANSWERS[: len(HARD_QUESTIONS)]):
            HardQuestion.objects.filter(meeting=meeting, position=position).update(answer=answer)
        held.append(meeting)
    meetings.meeting_create(
        actor=actor,
        relationship=relationship,
        starts_at=_at(spec.planned_review_in),
        attendees=attendees,
        kind=MeetingKind.QUARTERLY_REVIEW,
        title=f"Quarterly review – {relationship.account.name}",
        location="On site",
    )
    return held


def _topics(
    spec: AccountSpec,
    relationship: Relationship,
    actor: Membership,
    supplier_champion: Membership,
    customer_champion: Membership | None,
    ours: list[Contact],
    theirs: list[Contact],
    *,
    seed: int,
) -> list[FutureTopic]:
    topics: list[FutureTopic] = []
    for number in range(spec.topics):
        title, category, side = TOPIC_POOL[(seed * 3 + number) % len(TOPIC_POOL)]
        proposer = customer_champion if side == Side.CUSTOMER and customer_champion is not None else supplier_champion
        topic = work.topic_create(
            actor=proposer,
            relationship=relationship,
            title=title,
            category=category,
            description=f"Proposed at a review with {relationship.account.name}.",
        )
        if side == Side.CUSTOMER and customer_champion is None:  # no customer login to propose it: record the side
            FutureTopic.objects.filter(pk=topic.pk).update(proposed_by_side=Side.CUSTOMER, proposed_by=None)
            topic.proposed_by_side = Side.CUSTOMER
        if number % 4 == 1:
            FutureTopic.objects.filter(pk=topic.pk).update(internal_notes="Low margin for us; support, don't lead.")
        value = (number * 7 + seed) % 5
        work.topic_score(
            actor=supplier_champion,
            topic=topic,
            value_to_supplier=5 - value % 3,
            value_to_customer=1 + (value + 2) % 5,
            feasibility=2 + value % 4,
        )
        if customer_champion is not None and number % 3 != 2:
            work.topic_score(
                actor=customer_champion,
                topic=topic,
                value_to_supplier=1 + (value + 1) % 5,
                value_to_customer=5 - value % 2,
                feasibility=1 + (value + 3) % 5,
            )
        topics.append(topic)
    for priority, topic in enumerate(topics[: spec.short_list], start=1):
        work.topic_set_status(actor=actor, topic=topic, status=TopicStatus.ACTIVE, priority=priority)
        for contact in (*ours[:1], *theirs[:1]):
            work.steering_member_add(actor=actor, topic=topic, contact=contact)
    rest = topics[spec.short_list :]
    if len(rest) >= 6:
        work.topic_set_status(actor=actor, topic=rest[-1], status=TopicStatus.DONE)
        work.topic_set_status(actor=actor, topic=rest[-2], status=TopicStatus.DROPPED)
    return topics[: spec.short_list]


def _actions(
    relationship: Relationship,
    actor: Membership,
    owner: Membership,
    champion: Membership,
    customer: Membership | None,
    meetings: list[Meeting],
    active_topics: list[FutureTopic],
) -> None:
    """Per held meeting two actions; older ones done, the last ones open, some overdue."""
    today = timezone.localdate()
    templates = (
        ("Send the updated scorecard", owner, False),
        ("Share last quarter's lab results", customer or owner, False),
        ("Prepare pricing options for the renewal", champion, True),
        ("Organise the site visit for the pilot", customer or champion, False),
    )
    for number, meeting in enumerate(meetings):
        for offset in range(2):
            title, person, internal = templates[(number * 2 + offset) % len(templates)]
            meeting_day = meeting.starts_at.date()
            age = (today - meeting_day).days
            if age > 120:
                due, status = meeting_day + dt.timedelta(days=21), ActionStatus.DONE
            elif offset == 0:  # overdue: due a few weeks after the meeting, still open
                due, status = min(meeting_day + dt.timedelta(days=14), today - dt.timedelta(days=3)), ActionStatus.OPEN
                due = max(due, meeting_day)
            else:
                due, status = today + dt.timedelta(days=14 + number), ActionStatus.IN_PROGRESS
            action = work.action_create(
                actor=actor,
                relationship=relationship,
                title=title,
                owner=person,
                due_on=due,
                meeting=meeting,
                internal_only=internal,
                description=f"Agreed at {meeting.title} on {meeting_day:%d %b %Y}.",
            )
            if status != ActionStatus.OPEN:
                ActionItem.objects.filter(pk=action.pk).update(
                    status=status, completed_at=_at(-(age - 20)) if status == ActionStatus.DONE else None
                )
    for topic in active_topics:
        work.action_create(
            actor=actor,
            relationship=relationship,
            title=f"Draft the action plan: {topic.title}"[:200],
            owner=champion,
            due_on=today + dt.timedelta(days=30),
            topic=topic,
        )


# --- Benchmark tenant -------------------------------------------------------------------------


def seed_bench(options: BenchOptions) -> dict[str, Any]:
    """``options.count`` accounts in the benchmark tenant (20 contacts, one relationship, 8 meetings,
    actions and topics each), bulk-created. Existing accounts are skipped, so re-running adds nothing."""
    tenant = Tenant.objects.get(slug=BENCH_SLUG)
    with tenant_context(tenant):
        member = Membership.objects.get(user__email=BENCH_EMAIL)
        existing = set(CustomerAccount.objects.values_list("name", flat=True))
        names = [_bench_name(i) for i in range(1, options.count + 1)]
        return _bench_rows(tenant.pk, member, [n for n in names if n not in existing])


def _bench_name(index: int) -> str:
    return f"Bench Customer {index:04d}"


BENCH_MODELS = (
    CustomerAccount,
    Contact,
    Relationship,
    LevelChange,
    RosterEntry,
    Meeting,
    Attendee,
    HardQuestion,
    FutureTopic,
    TopicScore,
    ActionItem,
)
BENCH_REGIONS = ("Nordics", "North America", "Gulf Coast", "Central Europe", "Asia-Pacific")
BENCH_INDUSTRIES = ("Pulp & paper", "Power generation", "Refining", "Food & beverage", "Steel", "Chemicals")


@dataclass
class BenchRows:
    """The benchmark tenant's new rows, collected per model and bulk-created at the end."""

    tenant_id: Any
    member: Membership
    now: dt.datetime = field(default_factory=timezone.now)
    today: dt.date = field(default_factory=timezone.localdate)
    rows: dict[Any, list[Any]] = field(default_factory=lambda: {model: [] for model in BENCH_MODELS})

    @property
    def t(self) -> dict[str, Any]:
        return {"tenant_id": self.tenant_id}

    def add(self, *objects: Any) -> None:
        for obj in objects:
            self.rows[type(obj)].append(obj)

    def save(self) -> None:
        for model, objects in self.rows.items():
            model.objects.bulk_create(objects, batch_size=2000)


def _bench_rows(tenant_id: Any, member: Membership, names: list[str]) -> dict[str, int]:
    bench = BenchRows(tenant_id=tenant_id, member=member)
    for number, name in enumerate(names):
        _bench_account(bench, number, name)
    bench.save()
    return {"accounts_created": len(names)}


def _bench_account(bench: BenchRows, number: int, name: str) -> None:
    """One account with its contacts and relationship (level, roster, meetings, topics, actions)."""
    t, member = bench.t, bench.member
    account = CustomerAccount(
        **t,
        name=name,
        industry=BENCH_INDUSTRIES[number % len(BENCH_INDUSTRIES)],
        region=BENCH_REGIONS[number % len(BENCH_REGIONS)],
        owner=member,
        description="Benchmark account.",
        internal_notes="Benchmark internal note.",
    )
    contacts = [
        Contact(
            **t,
            account=account,
            full_name=f"Person {k:02d} of {name}",
            title="Engineer",
            function="Operations",
            geography=account.region,
            email=f"p{k}.{number}@bench.example",
        )
        for k in range(BENCH_CONTACTS)
    ]
    levels = [str(x) for x in Level]
    level = levels[number % len(levels)]
    relationship = Relationship(
        **t, account=account, level=level, supplier_champion=member, created_at=bench.now - dt.timedelta(days=730)
    )
    bench.add(account, *contacts, relationship)
    bench.add(
        LevelChange(**t, relationship=relationship, to_level=level, changed_on=bench.today - dt.timedelta(days=700))
    )
    bench.add(
        *[
            RosterEntry(**t, relationship=relationship, contact=c, role="Team", is_point_person=k == 0)
            for k, c in enumerate(contacts[:4])
        ]
    )
    held = _bench_meetings(bench, relationship, contacts[:4])
    topics = _bench_topics(bench, relationship)
    _bench_actions(bench, relationship, held, topics)


def _bench_meetings(bench: BenchRows, relationship: Relationship, attendees: list[Contact]) -> list[Meeting]:
    """A review every quarter for two years (every fourth a steering team); the last one planned."""
    t = bench.t
    created = []
    for m in range(BENCH_MEETINGS):
        days = 90 * (BENCH_MEETINGS - 1 - m) - 30  # the last one is 30 days ahead and planned
        meeting = Meeting(
            **t,
            relationship=relationship,
            kind=MeetingKind.QUARTERLY_REVIEW if m % 4 else MeetingKind.STEERING_TEAM,
            title=f"Review {m + 1}",
            starts_at=bench.now - dt.timedelta(days=days),
            status=MeetingStatus.HELD if days > 0 else MeetingStatus.PLANNED,
            minutes="Minutes.",
            internal_notes="Internal.",
            created_by=bench.member,
        )
        created.append(meeting)
        bench.add(*[Attendee(**t, meeting=meeting, contact=c, attended=days > 0) for c in attendees])
        bench.add(
            *[
                HardQuestion(**t, meeting=meeting, position=i, question=q, answer="Answer.")
                for i, q in enumerate(HARD_QUESTIONS)
            ]
        )
    bench.add(*created)
    return created


def _bench_topics(bench: BenchRows, relationship: Relationship) -> list[FutureTopic]:
    """Three short-listed and three long-list topics, scored by both firms."""
    t, member = bench.t, bench.member
    topics = [
        FutureTopic(
            **t,
            relationship=relationship,
            title=f"Topic {k + 1}",
            category=TopicCategory.OTHER,
            proposed_by_side=Side.SUPPLIER if k % 2 else Side.CUSTOMER,
            proposed_by=member,
            status=TopicStatus.ACTIVE if k < 3 else TopicStatus.LONG_LIST,
            priority=k + 1 if k < 3 else None,
        )
        for k in range(BENCH_TOPICS)
    ]
    bench.add(*topics)
    bench.add(
        *[
            TopicScore(
                **t,
                topic=topic,
                side=side,
                scored_by=member,
                value_to_supplier=1 + k % 5,
                value_to_customer=1 + (k + 2) % 5,
                feasibility=1 + (k + 4) % 5,
            )
            for k, topic in enumerate(topics)
            for side in (Side.SUPPLIER, Side.CUSTOMER)
        ]
    )
    return topics


def _bench_actions(
    bench: BenchRows, relationship: Relationship, held: list[Meeting], topics: list[FutureTopic]
) -> None:
    """Ten actions from the meetings (four overdue, every fifth done, the first internal-only)."""
    t, member = bench.t, bench.member
    bench.add(
        *[
            ActionItem(
                **t,
                relationship=relationship,
                meeting=held[k % (BENCH_MEETINGS - 1)],
                topic=topics[k % BENCH_TOPICS] if k % 3 == 0 else None,
                title=f"Action {k + 1}",
                owner=member,
                created_by=member,
                due_on=bench.today + dt.timedelta(days=(k - 4) * 7),  # four overdue, the rest open ahead
                status=ActionStatus.DONE if k % 5 == 4 else ActionStatus.OPEN,
                internal_only=k == 0,
            )
            for k in range(BENCH_ACTIONS)
        ]
    )
