"""Questionnaires out and form exports in: XLSForm, paper forms, Kobo/ODK/Google Forms.

- :func:`read_export` reads a form tool's export (CSV, or XLSX with the ``forms`` extra)
  whose headers are question texts and whose cells are answer labels;
- :func:`to_xlsform` writes an instrument as an XLSForm for ODK, KoboToolbox or
  SurveyCTO (``forms`` extra), :func:`to_html_form` as a printable A4 questionnaire.
"""

from __future__ import annotations

from servqual.forms.exports import ExportSource, read_export
from servqual.forms.paper import to_html_form
from servqual.forms.xlsform import PROFILE_QUESTIONS, to_xlsform

__all__ = ["PROFILE_QUESTIONS", "ExportSource", "read_export", "to_html_form", "to_xlsform"]
