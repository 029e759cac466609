"""The one-line method note of a report: variance, interval, design, weights, grades.

Shared by every renderer; the numbers it shows are rounded here, as in the renderers.
"""

from __future__ import annotations

from servqual.report._labels import Language, check_language, fmt, word
from servqual.report.model import MethodNote

__all__ = ["method_note"]

_REGULATIONS = {"skm-2017": "Permen PANRB 14/2017", "ikm-2004": "Kepmenpan 25/2004"}


def method_note(method: MethodNote, *, language: Language = "en") -> str:
    """The one-line method note of a report, in English or Indonesian.

    Examples
    --------
    >>> from servqual.report import MethodNote, method_note
    >>> m = MethodNote(interval="t", df=399.0, level=0.95, weights_mode="exact",
    ...                weight=1 / 9, regime="skm-2017", min_group_size=5)
    >>> print(method_note(m))
    Linearization (delta method) standard error, t interval with 399 df; exact weights 1/9;
    grades of Permen PANRB 14/2017; missing answers excluded per element; figures of fewer
    than 5 respondents withheld (n < 5), with complementary suppression.
    >>> print(method_note(m, language="id"))
    Galat baku linearisasi (metode delta), selang t dengan 399 derajat bebas; bobot eksak 1/9;
    mutu menurut Permen PANRB 14/2017; jawaban kosong dikecualikan per unsur; angka dari
    kurang dari 5 responden disembunyikan (n < 5), dengan penyembunyian komplementer.
    >>> print(method_note(m.model_copy(update={"min_group_size": 0})).split("; ")[-1])
    small-group suppression off (min_group_size = 0): figures of groups of any size shown.
    """
    language = check_language(language)
    en = language == "en"
    parts = []
    if method.interval == "t" and method.df is not None:
        df = fmt(method.df, 0 if float(method.df).is_integer() else 1, language)
        interval = f"t interval with {df} df" if en else f"selang t dengan {df} derajat bebas"
    elif method.interval == "normal":
        interval = "normal interval" if en else "selang normal"
    else:
        interval = f"{method.interval} interval" if en else f"selang {method.interval}"
    if method.variance == "bootstrap":
        lead = "Bootstrap of respondents, " if en else "Bootstrap responden, "
    else:
        lead = (
            "Linearization (delta method) standard error, "
            if en
            else "Galat baku linearisasi (metode delta), "
        )
    parts.append(lead + interval)
    design = _design_phrase(method, en)
    if design:
        parts.append(design)
    parts.append(_weights_phrase(method, language))
    regulation = _REGULATIONS.get(method.regime, method.regime)
    parts.append(f"grades of {regulation}" if en else f"mutu menurut {regulation}")
    parts.append(
        "missing answers excluded per element" if en else "jawaban kosong dikecualikan per unsur"
    )
    m = method.min_group_size
    parts.append(word("suppression" if m else "no_suppression", language).format(m=m))
    return "; ".join(parts) + "."


def _design_phrase(method: MethodNote, en: bool) -> str:
    bits = []
    if method.strata > 1:
        bits.append(f"{method.strata} strata")
    if method.clustered:
        bits.append("clusters" if en else "klaster")
    if method.fpc:
        bits.append("finite-population correction" if en else "koreksi populasi terhingga")
    if not bits:
        return ""
    return ", ".join(bits)


def _weights_phrase(method: MethodNote, language: Language) -> str:
    en = language == "en"
    if method.weight is None:
        return "instrument weights" if en else "bobot instrumen"
    if method.weights_mode == "exact":
        k = round(1 / method.weight)
        return f"exact weights 1/{k}" if en else f"bobot eksak 1/{k}"
    w = fmt(method.weight, 3, language)
    return f"printed weights {w}" if en else f"bobot tercetak {w}"
