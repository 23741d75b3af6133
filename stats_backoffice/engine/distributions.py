"""The few distribution functions the engine needs, straight from ``scipy.special``.

``scipy.stats`` computes these with the same ``scipy.special`` functions (``t.sf`` is ``stdtr(df, -t)``,
``t.ppf`` is ``stdtrit``, ``f.sf`` is ``fdtrc``, ``chi2.sf`` is ``chdtrc``, ``norm`` is ``ndtr`` / ``ndtri``),
so the numbers are identical; importing ``scipy.stats`` costs a worker about 1.5 s and 70 MB, which is why the
engine does not.
"""

from __future__ import annotations

import numpy as np
from scipy import special


class StudentT:
    def __init__(self, df: float) -> None:
        self.df = float(df)

    def sf(self, x: float) -> float:
        return float(special.stdtr(self.df, -x))

    def ppf(self, q: float) -> float:
        return float(special.stdtrit(self.df, q))


class Normal:
    def sf(self, x: float) -> float:
        return float(special.ndtr(-x))

    def ppf(self, q: float) -> float:
        return float(special.ndtri(q))


def normal_ppf(q: np.ndarray) -> np.ndarray:
    return np.asarray(special.ndtri(q))


def f_sf(x: float, dfn: float, dfd: float) -> float:
    return float(special.fdtrc(dfn, dfd, x))


def chi2_sf(x: float, df: float) -> float:
    return float(special.chdtrc(df, x))


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties given their average rank (``scipy.stats.rankdata(method="average")``)."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    ends = np.append(starts[1:], len(values))
    average = (starts + ends + 1) / 2.0  # mean of the 1-based ranks start+1 .. end
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(average, ends - starts)
    return ranks
