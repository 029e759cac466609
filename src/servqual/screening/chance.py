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

import numpy as np
import numpy.typing as npt

__all__ = ["pattern_probabilities"]

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]

_CLASSES = 6
_ITERATIONS = 200
_TOL = 1e-8
_PSEUDO = 0.05


def pattern_probabilities(
    patterns: CodeArray, counts: npt.NDArray[np.intp], levels: int
) -> FloatArray:
    """Model probability of each distinct pattern (codes ``0 … levels − 1``, ``−1`` missing).

    Parameters
    ----------
    patterns : (d, k) int8 array
        Distinct answer patterns.
    counts : (d,) int array
        How many respondents gave each pattern.
    levels : int
        Scale points; a missing answer is category ``levels``.

    Returns
    -------
    (d,) float array
        ``P(pattern)`` under the fitted latent-class model.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[0, 0], [1, 1], [0, 1]], dtype=np.int8)
    >>> probs = pattern_probabilities(p, np.array([5, 5, 1]), levels=2)
    >>> bool(probs[0] > probs[2]), bool(probs.sum() <= 1.0)
    (True, True)
    """
    cat = np.where(patterns < 0, levels, patterns).astype(np.intp)  # (d, k)
    d = cat.shape[0]
    w = counts.astype(np.float64)
    resp = _initial(patterns, w)
    log_p = np.zeros(d)
    previous = -np.inf
    for _ in range(_ITERATIONS):  # EM iterations; each is vectorized over patterns
        pi, log_theta = _m_step(cat, w, resp, levels + 1)
        joint = np.log(pi)[None, :] + _log_lik(cat, log_theta)  # (d, C)
        top = joint.max(axis=1, keepdims=True)
        log_p = top[:, 0] + np.log(np.exp(joint - top).sum(axis=1))
        resp = np.exp(joint - log_p[:, None])
        loglik = float(w @ log_p)
        if loglik - previous < _TOL * max(1.0, abs(loglik)):
            break
        previous = loglik
    return np.asarray(np.exp(log_p), dtype=np.float64)


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


def _m_step(
    cat: npt.NDArray[np.intp], w: FloatArray, resp: FloatArray, categories: int
) -> tuple[FloatArray, FloatArray]:
    weighted = resp * w[:, None]  # (d, C)
    pi = weighted.sum(axis=0) / w.sum()
    k = cat.shape[1]
    theta = np.full((_CLASSES, k, categories), _PSEUDO)
    for j in range(k):  # k items: per item, all classes at once
        for c in range(_CLASSES):
            theta[c, j] += np.bincount(cat[:, j], weights=weighted[:, c], minlength=categories)
    theta /= theta.sum(axis=2, keepdims=True)
    return np.maximum(pi, 1e-300), np.log(theta)


def _log_lik(cat: npt.NDArray[np.intp], log_theta: FloatArray) -> FloatArray:
    out = np.zeros((cat.shape[0], _CLASSES))
    for j in range(cat.shape[1]):
        out += log_theta[:, j, cat[:, j]].T
    return out
