"""The one Jinja2 environment of the reports (``pipelines/reports/templates``).

Every page extends ``base.html.j2`` and inlines ``style.css.j2`` (except the PDFs' page,
``report_pdf.html.j2``: ``pdf.py`` gives WeasyPrint the stylesheet parsed once); autoescaping is on for every
template (all text from data is escaped; only our own chart SVG is marked safe), and an
undefined name is an error rather than an empty string.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipelines.files import write_text_atomic
from pipelines.reports.formatting import format_count


def template_environment(**globals_: Any) -> Environment:
    """A Jinja2 environment over ``pipelines/reports/templates``; ``globals_`` are added to
    the environment's globals (e.g. the council report's status symbols), as is
    :func:`~pipelines.reports.formatting.format_count` (a count with its noun in the right
    number), the one rule for that in templates too."""
    env = Environment(
        loader=PackageLoader("pipelines.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.globals.update(format_count=format_count, **globals_)
    return env


def render_page(env: Environment, template: str, path: Path, **context: Any) -> Path:
    """Render ``template`` with ``context`` and write it to ``path`` atomically
    (:func:`pipelines.files.write_text_atomic`). Returns ``path``."""
    return write_text_atomic(path, env.get_template(template).render(**context))
