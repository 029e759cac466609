"""A printable A4 paper questionnaire for an instrument, as a standalone HTML document."""

from __future__ import annotations

from html import escape

from servqual.errors import ParameterError
from servqual.forms._labels import Language, answer_labels, question_text
from servqual.forms.xlsform import PROFILE_QUESTIONS
from servqual.instruments import resolve
from servqual.models.instrument import Instrument

__all__ = ["to_html_form"]

_CSS = """
@page { size: A4; margin: 12mm 14mm; }
body { font: 10pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #000; max-width: 182mm;
       margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
p.note { font-size: 9.5pt; margin: 0 0 4mm; }
fieldset { border: 0.3mm solid #000; margin: 0 0 3mm; padding: 2mm 3mm; break-inside: avoid; }
legend { font-weight: bold; padding: 0 1mm; }
ol { padding-left: 6mm; margin: 0; }
li.q { margin: 0 0 2mm; break-inside: avoid; }
.write { border-bottom: 0.3mm dotted #000; height: 7mm; }
.options { display: flex; flex-wrap: wrap; gap: 1mm 5mm; margin-top: 1mm; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 0.3mm solid #000;
       vertical-align: -0.6mm; margin-right: 1.5mm; }
.line { display: inline-block; min-width: 60mm; border-bottom: 0.3mm dotted #000; }
"""

_TEXT = {
    "id": ("Berilah tanda pada satu kotak untuk setiap pertanyaan.", "Profil responden",
           "Pendapat responden tentang pelayanan", "Isian", "Saran dan masukan"),
    "en": ("Tick one box for every question.", "Respondent profile",
           "Your opinion of the service", "Answer", "Suggestions"),
}  # fmt: skip


def to_html_form(
    instrument: Instrument | str,
    *,
    language: Language = "id",
    profile: bool | None = None,
    title: str | None = None,
) -> str:
    """A printable A4 questionnaire: one tick box per answer label, ready for paper.

    Parameters
    ----------
    instrument : Instrument or str
        The instrument, or a built-in name (``"skm-2017"``).
    language : {"id", "en"}
        Language of questions and answer labels (a missing translation falls back to
        the instrument's own language).
    profile : bool, optional
        Print the respondent-profile questions of the SKM regulation first; default:
        for SKM/IKM instruments only.
    title : str, optional
        Heading (default: the instrument's name).

    Returns
    -------
    str
        A complete HTML document (``<!DOCTYPE html>``, UTF-8, an A4 print stylesheet, no
        network resources); print it from a browser or save it as PDF.

    Raises
    ------
    servqual.errors.ParameterError
        An unknown ``language`` or instrument name.

    Examples
    --------
    >>> import servqual as sq
    >>> page = sq.instruments.SKM_2017.to_html_form(language="id")
    >>> page.startswith("<!DOCTYPE html>"), "Sangat sesuai" in page, "@page { size: A4" in page
    (True, True, True)
    """
    inst = resolve(instrument)
    if language not in _TEXT:
        raise ParameterError(f"language must be one of {list(_TEXT)}, got {language!r}")
    note, profile_title, items_title, answer, suggestions = _TEXT[language]
    heading = escape(title or inst.name)
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{language}"><head><meta charset="utf-8">',
        f"<title>{heading}</title><style>{_CSS}</style></head><body>",
        f"<h1>{heading}</h1>",
        f'<p class="note">{escape(note)}</p>',
    ]
    with_profile = inst.grading in ("skm-2017", "ikm-2004") if profile is None else profile
    if with_profile:
        lines.append(f"<fieldset><legend>{escape(profile_title)}</legend><ol>")
        for q in PROFILE_QUESTIONS:
            label = q.label_id if language == "id" else q.label_en
            if q.choices:
                opts = [c[1] if language == "id" else c[2] for c in q.choices]
                lines.append(_question(label, opts))
            else:
                lines.append(
                    f'<li class="q">{escape(label)}: <span class="line" '
                    f'aria-label="{escape(answer)}"></span></li>'
                )
        lines.append("</ol></fieldset>")
    lines.append(f"<fieldset><legend>{escape(items_title)}</legend><ol>")
    for item in inst.items:
        labels = answer_labels(inst, item, language)
        lines.append(_question(question_text(inst, item, language), list(labels), item.id))
    lines.append("</ol></fieldset>")
    lines.append(f"<fieldset><legend>{escape(suggestions)}</legend>")
    lines += ['<div class="write"></div>'] * 3
    lines += ["</fieldset>", "</body></html>"]
    return "\n".join(lines) + "\n"


def _question(text: str, options: list[str], item_id: str | None = None) -> str:
    code = f" <small>({escape(item_id)})</small>" if item_id else ""
    boxes = "".join(
        f'<span><span class="box" aria-hidden="true"></span>{escape(o)}</span>' for o in options
    )
    return f'<li class="q">{escape(text)}{code}<div class="options">{boxes}</div></li>'
