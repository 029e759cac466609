r"""How often an answer pattern occurs by chance: a latent-class model of the answers.

Honest respondents agree with each other: on a four-point scale many of them answer "3"
to every element, so identical answer vectors are common without any copying. The chance
of a pattern is taken from a latent-class model (local independence within each of
``C`` classes of respondents, Lazarsfeld):

.. math::

    P(y) = \sum_{c=1}^{C} \pi_c \prod_{j=1}^{k} \theta_{c j y_j},

fitted by EM on the distinct patterns weighted by their counts (so the cost is the
number of distinct patterns, not of respondents), starting from the thirds of the
respondents' mean code, with a 0.5 pseudo-count on every answer probability. A missing
answer is one more category. The classes absorb the agreement between items that makes
common patterns common, so a pattern is flagged only when it is repeated more often than
such a model allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ChanceModel", "fit", "pattern_probabilities", "repeat_probabilities"]

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]

_CLASSES = 6
_ITERATIONS = 100
_TOL = 1e-7
_PSEUDO = 0.05


@dataclass(frozen=True)
class ChanceModel:
    """A fitted latent-class model of answer patterns (see the module docstring)."""

    levels: int
    probs: FloatArray  # P(pattern) of each fitted pattern
    resp: FloatArray  # (d, C) class responsibilities of each fitted pattern
    class_counts: FloatArray  # (C,) respondents per class
    item_counts: FloatArray  # (C, k, levels + 1) answers per class, item and category

    def probability(self, patterns: CodeArray) -> FloatArray:
        """P(pattern) of any patterns under the fitted model."""
        cat = np.where(patterns < 0, self.levels, patterns).astype(np.intp)
        log_p = np.log(self.class_counts / self.class_counts.sum())[None, :] + _log_lik(
            cat, self._log_theta()
        )
        return _logsumexp(log_p)

    def without_repeats(self, patterns: CodeArray, counts: npt.NDArray[np.intp]) -> FloatArray:
        """P(pattern) with ``c − 1`` of the pattern's own ``c`` copies taken out.

        A pattern given ``c`` times pulls the fitted model towards itself (EM can spend a
        class on one repeated form), so each fitted pattern's probability is recomputed
        from the class counts without its extra copies (its own responsibilities, one
        step, no refit): a copied form is judged by the other respondents.
        """
        cat = np.where(patterns < 0, self.levels, patterns).astype(np.intp)
        extra = np.maximum(counts.astype(np.float64) - 1.0, 0.0)[:, None] * self.resp
        sizes = np.maximum(self.class_counts[None, :] - extra, 1e-300)  # (d, C)
        log_p = np.log(sizes) - np.log(sizes.sum(axis=1, keepdims=True))
        total = np.log(sizes + _PSEUDO * (self.levels + 1))
        for j in range(cat.shape[1]):  # k items
            own = self.item_counts[:, j, :][:, cat[:, j]].T - extra  # (d, C)
            log_p += np.log(np.maximum(own, 0.0) + _PSEUDO) - total
        return np.where(extra.sum(axis=1) > 0, _logsumexp(log_p), self.probs)

    def _log_theta(self) -> FloatArray:
        theta = self.item_counts + _PSEUDO
        return np.asarray(np.log(theta / theta.sum(axis=2, keepdims=True)), dtype=np.float64)


def pattern_probabilities(
    patterns: CodeArray, counts: npt.NDArray[np.intp], levels: int
) -> FloatArray:
    """Model probability of each distinct pattern (codes ``0 … levels − 1``, ``−1`` missing).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[0, 0], [1, 1], [0, 1]], dtype=np.int8)
    >>> probs = pattern_probabilities(p, np.array([5, 5, 1]), levels=2)
    >>> bool(probs[0] > probs[2]), bool(probs.sum() <= 1.0)
    (True, True)
    """
    return fit(patterns, counts, levels).probs


def repeat_probabilities(
    patterns: CodeArray, counts: npt.NDArray[np.intp], levels: int
) -> FloatArray:
    """Probability of each pattern under the model without its extra copies.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[0, 0], [1, 1], [0, 1]], dtype=np.int8)
    >>> full = pattern_probabilities(p, np.array([9, 5, 1]), levels=2)
    >>> alone = repeat_probabilities(p, np.array([9, 5, 1]), levels=2)
    >>> bool(alone[0] < full[0]), bool(alone[2] == full[2])
    (True, True)
    """
    return fit(patterns, counts, levels).without_repeats(patterns, counts)


def fit(patterns: CodeArray, counts: npt.NDArray[np.intp], levels: int) -> ChanceModel:
    """Fit the latent-class model by EM on distinct patterns weighted by their counts.

    Parameters
    ----------
    patterns : (d, k) int8 array
        Distinct answer patterns (codes ``0 … levels − 1``, ``−1`` missing).
    counts : (d,) int array
        How many respondents gave each pattern.
    levels : int
        Scale points; a missing answer is category ``levels``.
    """
    cat = np.where(patterns < 0, levels, patterns).astype(np.intp)  # (d, k)
    onehot = _one_hot(cat, levels + 1)
    w = counts.astype(np.float64)
    resp = _initial(patterns, w)
    log_p = np.zeros(cat.shape[0])
    previous = -np.inf
    for _ in range(_ITERATIONS):  # EM iterations; each is two matrix products
        counts_cjv = _m_step(onehot, w, resp, levels + 1)
        sizes = counts_cjv[:, 0, :].sum(axis=1)
        theta = counts_cjv + _PSEUDO
        log_theta = np.log(theta / theta.sum(axis=2, keepdims=True))
        joint = np.log(np.maximum(sizes / w.sum(), 1e-300))[None, :] + _products(onehot, log_theta)
        log_p = np.log(_logsumexp(joint))
        resp = np.exp(joint - log_p[:, None])
        resp[resp < 1e-200] = 0.0  # subnormal numbers would slow every product down
        loglik = float(w @ log_p)
        if loglik - previous < _TOL * max(1.0, abs(loglik)):
            break
        previous = loglik
    item_counts = _m_step(onehot, w, resp, levels + 1)
    return ChanceModel(
        levels=levels,
        probs=np.exp(log_p),
        resp=resp,
        class_counts=item_counts[:, 0, :].sum(axis=1),
        item_counts=item_counts,
    )


def _logsumexp(log_p: FloatArray) -> FloatArray:
    top = log_p.max(axis=1, keepdims=True)
    return np.asarray(np.exp(top[:, 0]) * np.exp(log_p - top).sum(axis=1), dtype=np.float64)


def _initial(patterns: CodeArray, w: FloatArray) -> FloatArray:
    """Responsibilities from the thirds of the (count-weighted) mean code."""
    answered = patterns >= 0
    score = np.where(answered, patterns, 0).sum(axis=1) / np.maximum(answered.sum(axis=1), 1)
    order = np.argsort(score, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    third = np.minimum((cum * _CLASSES).astype(np.intp), _CLASSES - 1)
    resp = np.full((patterns.shape[0], _CLASSES), 0.05)
    resp[order, third] = 1.0
    return np.asarray(resp / resp.sum(axis=1, keepdims=True), dtype=np.float64)


_BLOCK = 1 << 14
"""Patterns per block of the one-hot products (16384 × k·(levels + 1) floats)."""


def _one_hot(cat: npt.NDArray[np.intp], categories: int) -> npt.NDArray[np.bool_]:
    """(d, k · categories) indicator of each pattern's answer to each item (one byte each)."""
    d, k = cat.shape
    out = np.zeros((d, k * categories), dtype=bool)
    out[np.arange(d)[:, None], np.arange(k)[None, :] * categories + cat] = True
    return out


def _m_step(
    onehot: npt.NDArray[np.bool_], w: FloatArray, resp: FloatArray, categories: int
) -> FloatArray:
    """Expected answers per class, item and category: ``(resp · w)ᵀ · one-hot``, blocked."""
    weighted = np.ascontiguousarray((resp * w[:, None]).T)  # (C, d): a BLAS-friendly layout
    total = np.zeros((resp.shape[1], onehot.shape[1]))
    for start in range(0, onehot.shape[0], _BLOCK):  # blocks of patterns
        stop = start + _BLOCK
        total += weighted[:, start:stop] @ onehot[start:stop].astype(np.float64)
    return np.asarray(total.reshape(resp.shape[1], -1, categories), dtype=np.float64)


def _products(onehot: npt.NDArray[np.bool_], log_theta: FloatArray) -> FloatArray:
    """``Σ_j log θ_{c j y_j}`` for every pattern and class: one-hot · log θ, blocked."""
    flat = log_theta.reshape(log_theta.shape[0], -1).T  # (k · categories, C)
    out = np.empty((onehot.shape[0], log_theta.shape[0]))
    for start in range(0, onehot.shape[0], _BLOCK):
        stop = start + _BLOCK
        out[start:stop] = onehot[start:stop].astype(np.float64) @ flat
    return out


def _log_lik(cat: npt.NDArray[np.intp], log_theta: FloatArray) -> FloatArray:
    out = np.zeros((cat.shape[0], _CLASSES))
    for j in range(cat.shape[1]):
        out += log_theta[:, j, cat[:, j]].T
    return out
