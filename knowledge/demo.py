"""Demo content of the knowledge module, called by ``projects.demo.seed_tenant`` (``manage.py seed_demo``).

``seed_tenant(slug)`` gives a demo tenant a three-level solution-area tree of a water-treatment and
paper-chemicals supplier (Aquenta) or a coatings supplier (Kestrel). Rows are written directly with
``SolutionArea.compute_path()`` (reference data, no history); existing nodes are matched by parent and
name, so a second run adds nothing.
"""

from __future__ import annotations

from knowledge.models import SolutionArea

#: (name, description, children) — children in the same shape.
Tree = tuple[tuple[str, str, "Tree"], ...]

AQUENTA_TREE: Tree = (
    (
        "Water treatment",
        "Chemistry and equipment programmes for the customer's water circuits.",
        (
            (
                "Boiler water",
                "Steam generation: feed water, condensate, blowdown.",
                (
                    ("Scale control", "Hardness and silica deposits, inhibitor programmes.", ()),
                    ("Corrosion control", "Oxygen scavenging, condensate pH, passivation.", ()),
                    ("Blowdown optimisation", "Cycles of concentration and automatic blowdown.", ()),
                ),
            ),
            (
                "Cooling water",
                "Open and closed cooling circuits, cooling towers.",
                (
                    ("Legionella control", "Biocide programmes and risk plans for cooling towers.", ()),
                    ("Make-up water reduction", "Higher cycles, reuse of treated effluent.", ()),
                ),
            ),
            (
                "Wastewater",
                "Effluent treatment and discharge compliance.",
                (
                    ("Sludge dewatering", "Polymer selection and press performance.", ()),
                    ("Discharge compliance", "Permit limits, monitoring and reporting.", ()),
                ),
            ),
        ),
    ),
    (
        "Paper machine",
        "Chemistry of the paper and board machines.",
        (
            ("Retention", "Retention and drainage aids, first-pass retention.", ()),
            ("Wet-end chemistry", "Charge control, sizing, deposit control.", ()),
        ),
    ),
    (
        "Process optimisation",
        "Plant performance beyond the chemistry.",
        (
            ("Energy", "Steam, pumping and heat recovery savings.", ()),
            ("Water footprint", "Water intensity per tonne of product.", ()),
        ),
    ),
    (
        "Supply chain",
        "Getting the chemicals to the site.",
        (
            ("Inventory", "Consignment stock, bulk delivery, tank telemetry.", ()),
            ("Ordering and invoicing", "Order-to-cash errors and lead times.", ()),
        ),
    ),
    (
        "Quality",
        "The customer's product quality and our service quality.",
        (("Complaint reduction", "Root causes of complaints and their closure time.", ()),),
    ),
)

KESTREL_TREE: Tree = (
    (
        "Marine coatings",
        "Coatings of hulls and tanks.",
        (
            ("Antifouling", "Hull performance and dry-dock intervals.", ()),
            ("Tank coatings", "Cargo and ballast tank protection.", ()),
        ),
    ),
    (
        "Application",
        "How the coatings are applied in the yard.",
        (
            ("Surface preparation", "Blasting, cleanliness and profile.", ()),
            ("Rework reduction", "First-time-right coating jobs.", ()),
        ),
    ),
    ("Supply chain", "Getting the coatings to the yard.", (("Inventory", "Stock and shelf-life losses.", ()),)),
)

TREES = {"aquenta": AQUENTA_TREE, "kestrel": KESTREL_TREE}


def _ensure(tree: Tree, parent: SolutionArea | None, existing: dict[tuple[object, str], SolutionArea]) -> None:
    for name, description, children in tree:
        area = existing.get((parent.pk if parent else None, name))
        if area is None:
            area = SolutionArea(name=name, parent=parent, description=description)
            area.path, area.depth = area.compute_path()
            area.save()
            existing[(parent.pk if parent else None, name)] = area
        _ensure(children, area, existing)


def ensure_tree(tree: Tree) -> None:
    """Create the nodes of ``tree`` that do not exist yet in the current tenant."""
    _ensure(tree, None, {(a.parent_id, a.name): a for a in SolutionArea.objects.all()})


def seed_tenant(slug: str) -> dict[str, SolutionArea]:
    """Create the tenant's solution-area tree (call inside its context); returns the areas by path."""
    tree = TREES.get(slug)
    if tree is None:
        return {}
    ensure_tree(tree)
    return {a.path: a for a in SolutionArea.objects.all()}
