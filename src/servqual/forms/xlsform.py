"""Write an instrument as an XLSForm: the form standard of ODK, KoboToolbox and SurveyCTO.

An XLSForm is a workbook with a ``survey`` sheet (one row per question), a ``choices``
sheet (one row per answer option) and a ``settings`` sheet. Questions and answers are
labelled in Indonesian and English (``label::Indonesian (id)``, ``label::English (en)``);
answer options are named by their value (``1`` … ``4``), so a tool that exports option
names gives the numeric file, and one that exports labels gives what
:func:`~servqual.read_export` reads. The rating questions sit in one group, so Kobo's
export headers look like ``penilaian/U1``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from servqual.errors import ParameterError
from servqual.forms._labels import LANGUAGES, answer_labels, question_text
from servqual.instruments import resolve
from servqual.models.instrument import Instrument

__all__ = ["PROFILE_QUESTIONS", "ProfileQuestion", "to_xlsform", "xlsform_sheets"]

_LANG_COLUMN = {"id": "Indonesian (id)", "en": "English (en)"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
Row = list[str]


class ProfileQuestion(NamedTuple):
    """A respondent-profile question: XLSForm type, field name, labels, options."""

    type: str
    name: str
    label_id: str
    label_en: str
    choices: tuple[tuple[str, str, str], ...] = ()  # (name, label id, label en)


PROFILE_QUESTIONS: tuple[ProfileQuestion, ...] = (
    ProfileQuestion("date", "tanggal", "Tanggal survei", "Survey date"),
    ProfileQuestion("text", "jenis_layanan", "Jenis layanan yang diterima", "Service received"),
    ProfileQuestion(
        "select_one jenis_kelamin", "jenis_kelamin", "Jenis kelamin", "Sex",
        (("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female")),
    ),
    ProfileQuestion("integer", "usia", "Usia (tahun)", "Age (years)"),
    ProfileQuestion(
        "select_one pendidikan", "pendidikan", "Pendidikan terakhir", "Highest education",
        (("SD", "SD ke bawah", "Primary or less"), ("SMP", "SMP", "Junior secondary"),
         ("SMA", "SMA/SMK", "Senior secondary"), ("D3", "D1–D3", "Diploma"),
         ("S1", "D4/S1", "Bachelor"), ("S2", "S2", "Master"), ("S3", "S3", "Doctorate")),
    ),
    ProfileQuestion(
        "select_one pekerjaan", "pekerjaan", "Pekerjaan utama", "Main occupation",
        (("PNS", "PNS", "Civil servant"), ("TNI_POLRI", "TNI/Polri", "Military/police"),
         ("SWASTA", "Pegawai swasta", "Private employee"),
         ("WIRAUSAHA", "Wirausaha", "Self-employed"), ("LAINNYA", "Lainnya", "Other")),
    ),
)  # fmt: skip
"""The respondent profile of the SKM regulation (Permen PANRB 14/2017, Lampiran II):
survey date, service received, sex, age, education, occupation."""


def _has_profile(inst: Instrument, profile: bool | None) -> bool:
    return inst.grading in ("skm-2017", "ikm-2004") if profile is None else profile


def xlsform_sheets(
    instrument: Instrument | str, *, profile: bool | None = None, group: str = "penilaian"
) -> dict[str, list[Row]]:
    """The ``survey``, ``choices`` and ``settings`` sheets of the XLSForm, as rows of text.

    See :func:`to_xlsform` for the parameters; this is the same content without a file.
    """
    inst = resolve(instrument)
    for name in (*inst.item_ids, group):
        if not _NAME.match(name):
            raise ParameterError(
                f"{name!r} is not a valid XLSForm field name (letters, digits, _ . -, "
                "not starting with a digit)"
            )
    langs = [_LANG_COLUMN[lang] for lang in LANGUAGES]
    survey: list[Row] = [["type", "name", *(f"label::{c}" for c in langs), "required"]]
    choices: list[Row] = [["list_name", "name", *(f"label::{c}" for c in langs)]]
    if _has_profile(inst, profile):
        for q in PROFILE_QUESTIONS:
            survey.append([q.type, q.name, q.label_id, q.label_en, "yes"])
            list_name = q.type.removeprefix("select_one ")
            choices += [[list_name, c, lid, len_] for c, lid, len_ in q.choices]
    survey.append(["begin_group", group, "Penilaian layanan", "Service rating", ""])
    lists: dict[tuple[tuple[str, ...], ...], str] = {}
    for item in inst.items:
        sets = tuple(answer_labels(inst, item, lang) for lang in LANGUAGES)
        if sets not in lists:
            lists[sets] = f"ans_{item.id}".replace("-", "_").replace(".", "_")
            for v, texts in zip(inst.scale.values, zip(*sets, strict=True), strict=True):
                choices.append([lists[sets], str(v), *texts])
        questions = [question_text(inst, item, lang) for lang in LANGUAGES]
        survey.append([f"select_one {lists[sets]}", item.id, *questions, "yes"])
    survey.append(["end_group", group, "", "", ""])
    settings = [
        ["form_title", "form_id", "default_language"],
        [inst.name, inst.id.replace("-", "_"), _LANG_COLUMN[LANGUAGES[0]]],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def to_xlsform(
    instrument: Instrument | str,
    path: str | os.PathLike[str],
    *,
    profile: bool | None = None,
    group: str = "penilaian",
) -> Path:
    """Write the instrument as an XLSForm workbook (needs the ``forms`` extra, openpyxl).

    Parameters
    ----------
    instrument : Instrument or str
        The instrument, or a built-in name (``"skm-2017"``).
    path : str or path-like
        The ``.xlsx`` file to write (replaced if it exists).
    profile : bool, optional
        Add the respondent-profile questions of the SKM regulation
        (:data:`PROFILE_QUESTIONS`); default: for SKM/IKM instruments only.
    group : str
        Field name of the group holding the rating questions.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    servqual.errors.ParameterError
        An item id or group that is not a valid XLSForm field name, or openpyxl missing.

    Examples
    --------
    >>> import servqual as sq
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as tmp:
    ...     path = sq.instruments.SKM_2017.to_xlsform(f"{tmp}/skm.xlsx")
    ...     path.name, path.stat().st_size > 0
    ('skm.xlsx', True)
    >>> from servqual.forms.xlsform import xlsform_sheets
    >>> survey = xlsform_sheets("skm-2017")["survey"]
    >>> survey[0]
    ['type', 'name', 'label::Indonesian (id)', 'label::English (en)', 'required']
    >>> survey[-2][:2]
    ['select_one ans_U9', 'U9']
    """
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ParameterError(
            "writing an XLSForm needs openpyxl: pip install 'servqual[forms]'"
        ) from None
    sheets = xlsform_sheets(instrument, profile=profile, group=group)
    book = openpyxl.Workbook()
    for default in list(book.worksheets):  # the empty sheet a new workbook starts with
        book.remove(default)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = Path(path)
    book.save(out)
    return out
