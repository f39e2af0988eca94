"""How many candidates are left after each step, exactly, for given step rates.

A candidate who reaches a step with rate p meets its mark with chance p, independently of
the others: n candidates give Binomial(n, p) qualified ones. Steps in a row multiply
(Binomial(Binomial(n, p1), p2) = Binomial(n, p1·p2)); a top-N cut caps the count at N
(ties ignored). So the number of laureates for `applicants` candidates is computed from
probabilities, not sampled: one row per draw of step rates (`rates`, shape draws x steps),
the distribution of the final count over 0, 1, ..., `upto` (the last column holding
"`upto` or more").

Before the first binding cut the count stays binomial and only the probabilities below the
cut (or below `upto`) are computed, however many applicants; after a cut of N the count
lives on 0..N and each further step is an (N+1) x (N+1) matrix per draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

_EPS = 1e-12
# Draws x support cells computed at once (memory: 8 bytes each).
CHUNK_CELLS = 4_000_000


@lru_cache(maxsize=8)
def _log_factorials(n: int) -> Floats:
    """log(k!) for k = 0..n."""
    out = np.zeros(n + 1)
    if n:
        out[1:] = np.cumsum(np.log(np.arange(1, n + 1, dtype=np.float64)))
    return out


def _log_factorial(values: npt.NDArray[np.int64]) -> Floats:
    """log(k!) of each value (math.lgamma: no table up to a large n)."""
    return np.array([math.lgamma(int(v) + 1) for v in values], dtype=np.float64)


def binomial_pmf(n: int, p: Floats, ks: npt.NDArray[np.int64]) -> Floats:
    """P(Binomial(n, p) = k) for each p (draws) and k in `ks`: shape (draws, len(ks))."""
    ks = ks[ks <= n]
    log_c = math.lgamma(n + 1) - _log_factorial(ks) - _log_factorial(n - ks)
    q = np.clip(p, _EPS, 1 - _EPS)[:, None]
    log = log_c + ks * np.log(q) + (n - ks) * np.log1p(-q)
    out = np.exp(log)
    # exact ends: p = 0 leaves nobody, p = 1 everybody
    out[p <= 0, :] = (ks == 0).astype(np.float64)
    out[p >= 1, :] = (ks == n).astype(np.float64)
    return out


def _binomial_upto(n: int, p: Floats, upto: int) -> Floats:
    """Binomial(n, p) over 0..min(n, upto), the last column "upto or more" when upto < n."""
    if upto >= n:
        return binomial_pmf(n, p, np.arange(n + 1))
    below = binomial_pmf(n, p, np.arange(upto))
    tail = np.clip(1.0 - below.sum(axis=1, keepdims=True), 0.0, 1.0)
    return np.concatenate([below, tail], axis=1)


def _thin(dist: Floats, p: Floats) -> Floats:
    """A count distributed as `dist` (draws x 0..M) after a step of rate p (per draw)."""
    size = dist.shape[1]
    lf = _log_factorials(size)
    x = np.arange(size)[:, None]
    z = np.arange(size)[None, :]
    valid = z <= x
    log_c = np.where(valid, lf[x] - lf[z] - lf[np.where(valid, x - z, 0)], -np.inf)
    q = np.clip(p, _EPS, 1 - _EPS)[:, None, None]
    log_t = log_c[None] + z[None] * np.log(q) + np.where(valid, x - z, 0)[None] * np.log1p(-q)
    matrix = np.exp(log_t)
    matrix[p <= 0] = (z == 0).astype(np.float64) * np.ones_like(x)
    matrix[p >= 1] = np.eye(size)
    return np.einsum("bx,bxz->bz", dist, matrix)


def _cap(dist: Floats, n: int) -> Floats:
    """At most n go on: the mass above n lands on n."""
    if dist.shape[1] <= n + 1:
        return dist
    capped = dist[:, : n + 1].copy()
    capped[:, n] += dist[:, n + 1 :].sum(axis=1)
    return capped


def final_counts(
    applicants: int, rates: Floats, cuts: Sequence[int | None], upto: int | None = None
) -> Floats:
    """The distribution of the number left after every step, per draw: shape (draws,
    min(support, upto) + 1); with `upto`, the last column is "`upto` or more".
    `rates`: (draws, steps); `cuts[i]`: the top-N after step i, or None."""
    draws, steps = rates.shape
    y = np.ones(draws)
    dist: Floats | None = None
    for i in range(steps):
        if dist is None:
            y = y * rates[:, i]
        else:
            dist = _thin(dist, rates[:, i])
        cut = cuts[i]
        if cut is None:
            continue
        if dist is None:
            if applicants > cut:
                dist = _binomial_upto(applicants, y, cut)
        else:
            dist = _cap(dist, cut)
    if dist is None:
        return _binomial_upto(applicants, y, applicants if upto is None else upto)
    if upto is not None and dist.shape[1] > upto + 1:
        return _cap(dist, upto)
    return dist


def chance_at_least(
    applicants: int, rates: Floats, cuts: Sequence[int | None], places: int
) -> float:
    """The chance of at least `places` laureates, over the draws (equally likely)."""
    if places <= 0:
        return 1.0
    dist = final_counts(applicants, rates, cuts, upto=places)
    if dist.shape[1] <= places:
        return 0.0  # the support ends below `places`: never enough
    return float(dist[:, places].mean())


def mixture(applicants: int, rates: Floats, cuts: Sequence[int | None]) -> Floats:
    """The distribution of the number of laureates over all draws (their average), over
    0..support; computed in chunks of draws so that memory stays bounded."""
    width = applicants + 1
    for cut in cuts:
        if cut is not None:
            width = min(width, cut + 1)
    chunk = max(1, CHUNK_CELLS // max(width * (width if width < applicants + 1 else 1), 1))
    total: Floats | None = None
    for start in range(0, rates.shape[0], chunk):
        part = final_counts(applicants, rates[start : start + chunk], cuts).sum(axis=0)
        total = part if total is None else _add(total, part)
    assert total is not None
    return total / rates.shape[0]


def _add(a: Floats, b: Floats) -> Floats:
    if a.shape[0] < b.shape[0]:
        a, b = b, a
    out = a.copy()
    out[: b.shape[0]] += b
    return out
