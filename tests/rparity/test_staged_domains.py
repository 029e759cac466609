"""Domains of two-stage and PPS designs go through the one linearization backend.

Independent fact: ``design.by(g).mean(y)`` on a multistage or PPS design equals, domain by
domain, :func:`servqual.stats.linearized_variance` of the dense (rows × domains) matrix of
influence values (the variance R ``svyby`` gets from ``svyrecvar``/``ppsvar`` on the full
design), whatever the block size of the bounded-memory path; the per-domain df of
``by(...).proportion(df="domain")`` is R ``degf`` of each domain's subset design, counted
row by row in the slow reference. Designs: tests/data/rparity.json, as built in rparity.R.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

import servqual as sq
import servqual.stats.domain_variance as domain_variance
from servqual.design._inputs import present_df
from servqual.errors import DegenerateDataWarning
from servqual.stats import linearized_variance

DesignOf = Callable[[str], sq.Design]
REL = 1e-12

_STAGED = {
    "dclus2": ("api00", "stype"),
    "dclus2w": ("api00", "stype"),
    "dclus2s": ("api00", "stype"),
    "brewer": ("Bush", "nps_score"),
    "overton": ("Bush", "nps_score"),
    "overton_yg": ("Bush", "nps_score"),
    "hartley_rao": ("Bush", "nps_score"),
    "hartley_rao_yg": ("Bush", "nps_score"),
}


def _dense_means(d: sq.Design, y_col: str, g_col: str) -> tuple[list[str], np.ndarray]:
    """Per-domain SE from the dense (rows × domains) influence matrix (the slow way)."""
    y = d.numeric(y_col)
    labels, codes = np.unique(d.column(g_col).astype(str), return_inverse=True)
    dom = np.zeros((y.shape[0], labels.shape[0]))
    dom[np.arange(y.shape[0]), codes] = 1.0
    w = d.weights
    size = w @ dom
    mean = (w * y) @ dom / size
    z = dom * (y[:, None] - mean[None, :]) / size[None, :]
    return [str(v) for v in labels], np.sqrt(linearized_variance(z, d.arrays))


@pytest.mark.parametrize("name", list(_STAGED))
def test_staged_domain_means_equal_the_dense_variance(name: str, design: DesignOf) -> None:
    y_col, g_col = _STAGED[name]
    d = design(name)
    labels, se = _dense_means(d, y_col, g_col)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # a one-row domain: SE NaN
        fast = d.by(g_col).mean(y_col)
    assert list(fast) == labels
    for label, expected in zip(labels, se, strict=True):
        if fast[label].n > 1:
            assert fast[label].se == pytest.approx(expected, rel=REL)
        assert fast[label].df == d.df


@pytest.mark.parametrize("name", ["dclus2", "brewer"])
def test_staged_domains_in_blocks_equal_one_block(
    name: str, design: DesignOf, monkeypatch: pytest.MonkeyPatch
) -> None:
    y_col, g_col = _STAGED[name]
    d = design(name)
    whole = d.by(g_col).mean(y_col)
    monkeypatch.setattr(domain_variance, "_BLOCK_VALUES", d.n_rows)  # one domain a block
    blocks = d.by(g_col).mean(y_col)
    for key, est in whole.items():
        assert blocks[key].se == pytest.approx(est.se, rel=1e-13)


_SHARES = {  # (domain column, share column, category): every domain holds both answers
    "dclus1": ("stype", "sch.wide", "Yes"),
    "dclus2": ("stype", "sch.wide", "Yes"),
    "dclus2s": ("stype", "sch.wide", "Yes"),
    "dstrat": ("stype", "sch.wide", "Yes"),
    "brewer": ("u1", "nps_score", 1.0),
}


@pytest.mark.parametrize("name", list(_SHARES))
def test_domain_df_is_the_subset_design_df(name: str, design: DesignOf) -> None:
    d = design(name)
    g_col, col, value = _SHARES[name]
    raw = d.column(g_col).astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # a domain with df 0 or p 0/1
        by_domain = d.by(g_col).proportion(col, value, df="domain")
        by_design = d.by(g_col).proportion(col, value, df="design")
    assert any(est.df != d.df for est in by_domain.values())
    for label, est in by_domain.items():
        assert est.df == present_df(d.arrays, raw == label)  # row-by-row reference
        assert by_design[label].df == d.df
        assert est.value == by_design[label].value
        assert est.se == by_design[label].se


def test_domain_df_names_the_allowed_values(design: DesignOf) -> None:
    d = design("dclus1")
    with pytest.raises(sq.errors.ParameterError, match=r"df must be one of \['domain', 'design'\]"):
        d.by("stype").proportion("stype", "E", df="rows")  # type: ignore[arg-type]
