"""Knowledge models, one module per area: ``taxonomy`` (the solution-area tree)."""

from knowledge.models.taxonomy import MAX_DEPTH, SolutionArea

__all__ = ["MAX_DEPTH", "SolutionArea"]
