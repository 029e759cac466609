"""``read_csv``: population counts with thousands separators are read right or refused.

An Indonesian spreadsheet writes 4210 as ``4.210`` and 125000 as ``125.000``; read as
decimals they become 4.21 and 125, a finite-population correction off by a factor of
1000. Expected values are the counts themselves (the fpc must equal them, and the SRS
variance factor is ``1 − n/N`` as in R survey's ``svydesign(fpc=)``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.errors import DesignError, ParameterError


def _file(path: Path, population: list[str], sep: str = ";") -> Path:
    rng = np.random.default_rng(1)
    header = sep.join(["desk", "N", *(f"U{j}" for j in range(1, 10))])
    rows = [
        sep.join(["AB"[i % 2], population[i % 2], *map(str, rng.integers(1, 5, 9))])
        for i in range(20)
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_thousands_dot_reads_whole_counts(tmp_path: Path) -> None:
    path = _file(tmp_path / "a.csv", ["4.210", "125.000"])
    r = sq.read_csv(path, sq.instruments.SKM_2017, strata="desk", fpc="N", thousands=".")
    assert sorted(r.design.arrays.pop.tolist()) == [4210.0, 125000.0]
    plain = sq.read_csv(_file(tmp_path / "b.csv", ["4210", "125000"]), sq.instruments.SKM_2017,
                        strata="desk", fpc="N")  # fmt: skip
    assert sq.skm_index(r).index == sq.skm_index(plain).index


@pytest.mark.parametrize(
    ("cells", "match"),
    [
        (["4.210", "4.210"], r"fpc column 'N' in .*a.csv line 2 holds '4.210': a population "
                             r"count with a thousands separator\? Give thousands='.'"),
        (["1.250.000", "90"], r"holds '1.250.000'.* to read it as 1250000"),
        (["125.000", "125.000"], r"holds '125.000'"),
    ],
)  # fmt: skip
def test_grouped_count_without_thousands_is_refused(
    tmp_path: Path, cells: list[str], match: str
) -> None:
    path = _file(tmp_path / "a.csv", cells)
    with pytest.raises(DesignError, match=match):
        sq.read_csv(path, sq.instruments.SKM_2017, strata="desk", fpc="N")


def test_fractional_count_is_refused_but_a_fraction_is_fine(tmp_path: Path) -> None:
    path = _file(tmp_path / "a.csv", ["42.5", "50"], sep=",")
    with pytest.raises(DesignError, match=r"line 2 holds '42.5': a population count must be a "):
        sq.read_csv(path, sq.instruments.SKM_2017, strata="desk", fpc="N")
    fractions = _file(tmp_path / "b.csv", ["0.5", "0.25"], sep=",")
    r = sq.read_csv(fractions, sq.instruments.SKM_2017, strata="desk", fpc="N")
    assert sorted(r.design.arrays.pop.tolist()) == [20.0, 40.0]  # 10 / 0.5, 10 / 0.25


@pytest.mark.parametrize("thousands", ["'", ";", "x"])
def test_bad_thousands(tmp_path: Path, thousands: str) -> None:
    path = _file(tmp_path / "a.csv", ["4210", "90"])
    with pytest.raises(ParameterError, match=r"thousands must be '\.' or ','"):
        sq.read_csv(path, sq.instruments.SKM_2017, fpc="N", thousands=thousands)
