"""A seeded synthetic SKM survey with planted collection problems, for examples and tests.

300 forms collected by six staff members at the counter (interviews) or online, each with
its submission time. Planted: eight straight-lined forms (every element "4"), three forms
entered three times each (same answers, staff and time), staff member Eko's respondents
rating about one point higher on the latent scale, counter interviews rating higher than
online answers, and a burst of six forms from Dewi within five minutes.
"""

from __future__ import annotations

import numpy as np

from servqual.instruments import SKM_2017
from servqual.responses import Responses

__all__ = ["STAFF", "demo_survey"]

STAFF = ("Ani", "Budi", "Citra", "Dewi", "Eko", "Fajar")
"""The six staff members of the demo survey."""

_START = np.datetime64("2026-03-02T08:00:00", "s")


def demo_survey(*, seed: int = 2026, planted: bool = True) -> Responses:
    """The demo survey: answers, ``staff``, ``mode`` and ``submitted`` attributes.

    Parameters
    ----------
    seed : int
        Randomness of the answers, staff, modes and times.
    planted : bool
        ``False`` gives the same survey without any planted problem (a clean survey of
        the same shape).

    Examples
    --------
    >>> from servqual.screening import demo_survey
    >>> r = demo_survey()
    >>> r.n, r.attributes
    (300, ['staff', 'mode', 'submitted'])
    """
    rng = np.random.default_rng(seed)
    n, k = 300, 9
    staff = rng.choice(np.asarray(STAFF), size=n)
    mode = rng.choice(np.asarray(["counter", "online"]), size=n, p=[0.6, 0.4])
    trait = rng.normal(size=(n, 1)) * 0.7
    if planted:
        trait[staff == "Eko"] += 1.0
        trait[mode == "counter"] += 0.45
    latent = 0.9 + trait + rng.normal(scale=0.75, size=(n, k))
    answers = (np.digitize(latent, [-1.3, 0.0, 1.8]) + 1).astype(np.float64)
    gaps = rng.uniform(240.0, 1800.0, size=n)  # 4 to 30 minutes between any two forms
    submitted = _START + np.cumsum(gaps).astype("timedelta64[s]")
    if planted:
        answers[rng.choice(n - 40, size=8, replace=False) + 20] = 4.0
        for src, dst in ((10, (290, 291)), (60, (292, 293)), (150, (294, 295))):
            for d in dst:
                answers[d], staff[d], mode[d], submitted[d] = (
                    answers[src],
                    staff[src],
                    mode[src],
                    submitted[src],
                )
        dewi = np.flatnonzero(staff == "Dewi")[-6:]
        submitted[dewi] = submitted[dewi[0]] + np.arange(6) * np.timedelta64(50, "s")
    return Responses.from_arrays(
        answers,
        SKM_2017,
        attributes={"staff": staff, "mode": mode, "submitted": submitted.astype(str)},
        respondent_ids=np.asarray([f"F{i:03d}" for i in range(1, n + 1)]),
    )
