"""Least-squares building blocks: Householder QR (TSQR), rank checks, compensated residuals.

Why QR and not the normal equations: forming X'X squares the condition number, so a design with
condition 1e8 (Longley, a centred polynomial) would keep no digits. LAPACK's ``geqrf`` (numpy's
``qr``) is Householder QR, backward stable; a tall matrix is reduced block by block (the R of each
block, stacked, QR'd again: TSQR), which gives the same R as one QR of the whole matrix.

Why compensated residuals: iterative refinement only adds digits if the residual ``y - Xb`` is
computed more accurately than the solution (Dekker's TwoProduct and Knuth's TwoSum give a residual as
if in double-double arithmetic).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.linalg import get_lapack_funcs, solve_triangular

RANK_TOL = 1e-12  # |R_jj| / ||x_j|| below this: column j is (numerically) a combination of earlier ones
_SPLIT = 134217729.0
(_geqrf,) = get_lapack_funcs(("geqrf",), (np.zeros((1, 1)),))  # 2**27 + 1, Dekker's splitter


def r_factor(a: np.ndarray) -> np.ndarray:
    """R of a Householder QR of ``a`` (rows may be fewer than columns).

    LAPACK ``dgeqrf`` directly: numpy's ``qr`` copies the block and forms more than the R; a Fortran-ordered
    block built for this call is overwritten in place.
    """
    m, n = a.shape
    if m == 0:
        return np.zeros((0, n))
    qr, _tau, _work, info = _geqrf(a, lwork=max(1, 64 * n), overwrite_a=a.flags.f_contiguous)
    if info != 0:  # pragma: no cover - LAPACK argument error
        raise ValueError(f"geqrf failed ({info})")
    return np.triu(qr[: min(m, n)])


def stack_r(top: np.ndarray | None, bottom: np.ndarray | None) -> np.ndarray | None:
    """Combine two R factors (TSQR step): the R of the stacked pair is the R of all their rows."""
    if top is None:
        return bottom
    if bottom is None:
        return top
    return r_factor(np.asfortranarray(np.vstack([top, bottom])))


def square(r: np.ndarray, p: int) -> np.ndarray:
    """Pad an R factor from a tiny table to p x p (missing rows are zero)."""
    if r.shape[0] >= p:
        return r[:p, :p]
    out = np.zeros((p, p))
    out[: r.shape[0], :] = r[:, :p]
    return out


def column_norms(r: np.ndarray) -> np.ndarray:
    """Column norms of R, which equal the column norms of the design it came from."""
    return np.asarray(np.linalg.norm(r, axis=0))


def scaled_condition(r: np.ndarray) -> float:
    """2-norm condition number of R with unit-norm columns (the design equilibrated)."""
    norms = column_norms(r)
    if r.size == 0 or np.any(norms == 0):
        return float("inf")
    s = np.linalg.svd(r / norms, compute_uv=False)
    return float(s[0] / s[-1]) if s[-1] > 0 else float("inf")


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def dependency_message(r: np.ndarray, names: Sequence[str], constant_names: frozenset[str] = frozenset()) -> str | None:
    """Name the first column that is a linear combination of earlier ones (None: full rank).

    The test is the scaled R diagonal: in Householder QR, |R_jj| is the norm of what is left of column j
    after removing its projection on the earlier columns, so |R_jj| / ||x_j|| ~ 0 means dependence; the
    combination itself comes from solving R[:j, :j] w = R[:j, j].
    """
    norms = column_norms(r)
    for j, name in enumerate(names):
        if norms[j] == 0:
            return f"{name} is zero on every row used, so it carries no information."
        if abs(r[j, j]) > RANK_TOL * norms[j]:
            continue
        w = solve_triangular(r[:j, :j], r[:j, j]) if j else np.zeros(0)
        share = np.abs(w) * norms[:j] / norms[j]
        others = [names[i] for i in range(j) if share[i] > 1e-6 and names[i] not in constant_names]
        if not others:
            return f"{name} is constant on the rows used, so its effect cannot be separated from the intercept."
        if len(others) == 1:
            return f"{others[0]} and {name} are perfectly collinear ({name} is a linear function of {others[0]})."
        return f"{name} is a linear combination of {_join(others)}; remove one of them."
    return None


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knuth: s + e == a + b exactly."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _split(a: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLIT * np.asarray(a)
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: np.ndarray, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Dekker: p + e == a * b exactly."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def residual(y: np.ndarray, x: np.ndarray, b: np.ndarray, *, compensated: bool) -> np.ndarray:
    """``y - X b``; compensated: accumulated in double-double, rounded once."""
    if not compensated:
        return np.asarray(y - x @ b)
    s = np.array(y, dtype=np.float64, copy=True)
    err = np.zeros_like(s)
    for j in range(x.shape[1]):
        p, pe = two_prod(x[:, j], float(b[j]))
        s, se = two_sum(s, -p)
        err += se - pe
    return np.asarray(s + err)


def solve_r(r: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """R^{-1} rhs."""
    return np.asarray(solve_triangular(r, rhs))


def solve_rtr(r: np.ndarray, g: np.ndarray) -> np.ndarray:
    """(R'R)^{-1} g by two triangular solves (the corrected semi-normal equations)."""
    return np.asarray(solve_triangular(r, solve_triangular(r, g, trans="T")))


def r_inverse(r: np.ndarray) -> np.ndarray:
    """R^{-1} (covariance is sigma^2 R^{-1} R^{-T}); solved on equilibrated columns."""
    norms = column_norms(r)
    norms[norms == 0] = 1.0
    rs_inv = solve_triangular(r / norms, np.eye(r.shape[0]))
    return np.asarray(rs_inv / norms[:, None])
