"""One slide deck (.pptx, python-pptx) per organisation for the local dialogue.

The deck repeats the organisation page's key charts (PNG rendered by matplotlib) and
numbers, in Swedish. Slides, in order:

1. title ("Digital mognad <år>", organisation, "preliminär" when the year is);
2. "Nyckeltal" — maturity, capability, legacy with intervals, respondents, response rate;
3. "Position och typ" — quadrant chart and the type's description;
4. "Kategorierna jämfört med länet" — spider chart, relative strengths and weaknesses;
5. "Utveckling över åren" — trend chart with intervals;
6. "Resultat per målgrupp <år>" and 7. "Resultat per förvaltning <år>" — each only when
   the snapshot has rows for the organisation (suppressed cells: "färre än 5 svar");
8. "Att läsa resultaten" — the reading note and questions for the dialogue.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.util import Emu, Inches, Pt

TITLE_LAYOUT = 0
TITLE_ONLY_LAYOUT = 5
SLIDE_W = Inches(13.333)
SLIDE_H = Inches(7.5)

DIALOGUE_QUESTIONS_SV = (
    "Känner vi igen bilden? Vad förvånar oss?",
    "Vad förklarar våra relativa styrkor, och hur tar vi vara på dem?",
    "Vilken av de relativa svagheterna vill vi börja med, och vem äger frågan?",
    "Var svarade många ”vet ej”, och hur sprider vi kunskap dit?",
)


def _place(shape, left, top, width, height) -> None:
    """Position a placeholder explicitly: python-pptx's default layouts are 4:3, the deck 16:9."""
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _title_slide(prs, title: str, subtitle: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    slide.shapes.title.text = title
    slide.placeholders[1].text = subtitle
    _place(slide.shapes.title, Inches(0.9), Inches(2.0), Inches(11.5), Inches(1.5))
    _place(slide.placeholders[1], Inches(0.9), Inches(3.7), Inches(11.5), Inches(1.6))


def _content_slide(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(30)
    _place(slide.shapes.title, Inches(0.6), Inches(0.3), Inches(12.1), Inches(1.0))
    return slide


def _text_box(slide, left, top, width, height, lines: list[tuple[str, int, bool]]) -> None:
    """Add a text box; ``lines`` are ``(text, size_pt, bold)``."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = text
        para.font.size = Pt(size)
        para.font.bold = bold
        para.space_after = Pt(6)


def _picture(slide, png: bytes, left, top, max_w, max_h) -> None:
    """Add a PNG scaled to fit ``max_w`` × ``max_h`` keeping its aspect ratio."""
    pic = slide.shapes.add_picture(io.BytesIO(png), left, top)
    scale = min(max_w / pic.width, max_h / pic.height)
    pic.width = Emu(int(pic.width * scale))
    pic.height = Emu(int(pic.height * scale))


def _table_slide(prs, title: str, tbl: dict[str, Any]) -> None:
    """A slide with one group table (``views._group_table``), rows shrunk to fit the slide."""
    slide = _content_slide(prs, title)
    n_rows = len(tbl["rows"]) + 1
    n_cols = len(tbl["headers"])
    available = Inches(5.4)
    row_height = min(Inches(0.4), int(available / n_rows))
    font = Pt(12) if n_rows <= 13 else Pt(9)
    shape = slide.shapes.add_table(
        n_rows, n_cols, Inches(0.6), Inches(1.5), Inches(12.1), row_height * n_rows
    )
    table = shape.table
    for j, header in enumerate(tbl["headers"]):
        table.cell(0, j).text = header
    for i, row in enumerate(tbl["rows"], start=1):
        for j, text in enumerate([row["label"], *row["cells"]]):
            table.cell(i, j).text = text
    for i in range(n_rows):
        table.rows[i].height = row_height
        for j in range(n_cols):
            cell = table.cell(i, j)
            cell.margin_top = cell.margin_bottom = Emu(int(Inches(0.03)))
            for para in cell.text_frame.paragraphs:
                para.font.size = font
    _text_box(
        slide,
        Inches(0.6),
        Inches(7.0),
        Inches(12.1),
        Inches(0.4),
        [
            (
                "Grupper med färre än 5 svarande visas inte, inte heller ett index där en "
                "kategori har färre än 5 svar; ibland döljs även ett annat värde så att det "
                "dolda inte kan räknas fram.",
                11,
                False,
            )
        ],
    )


def _swedish_text(prs) -> None:
    """Mark every run and paragraph end as Swedish (sv-SE), so spelling and hyphenation in
    PowerPoint follow Swedish when the deck is edited for the local dialogue."""
    frames = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if getattr(shape, "has_table", False) and shape.has_table:
                frames.extend(cell.text_frame for row in shape.table.rows for cell in row.cells)
    for frame in frames:
        for para in frame.paragraphs:
            para.font.language_id = MSO_LANGUAGE_ID.SWEDISH
            for run in para.runs:
                run.font.language_id = MSO_LANGUAGE_ID.SWEDISH


def build_deck(view: dict[str, Any], path: Path, *, created: dt.datetime | None = None) -> Path:
    """Write the deck for one organisation's view (``views.organisation_view``) to ``path``.

    ``created`` (e.g. the snapshot's time) is stored as the deck's created/modified time, so
    the same snapshot gives the same deck. Returns ``path``. Raises ``OSError`` when the file
    cannot be written.
    """
    prs = Presentation()
    prs.slide_width = SLIDE_W
    prs.slide_height = SLIDE_H
    org = view["org"]
    year = view["year"]
    prelim = " (preliminär)" if view["preliminary"] else ""

    _title_slide(
        prs,
        f"Digital mognad {year}{prelim}",
        f"{org['organisation_name']}\nLänets gemensamma mätning (DiMiOS) – underlag för lokal dialog",
    )

    slide = _content_slide(prs, "Nyckeltal")
    lines = [
        (
            f"{k['label']}: {k['value']}"
            + (f"  (95 % konfidensintervall {k['interval']})" if k["interval"] else ""),
            28 if k["main"] else 22,
            k["main"],
        )
        for k in view["key_figures"]
    ]
    lines.append((f"Svarande: {view['respondents']}", 20, False))
    lines.append(
        (
            f"Svarsfrekvens: {view['response_rate']}"
            + (" (antalet inbjudna är inte känt)" if view["response_rate_unknown"] else ""),
            20,
            False,
        )
    )
    if view["change"]:
        change = view["change"]
        text = f"Förändring från föregående mätning: {change['text']}"
        if change["interval"]:
            text += f" (95 % konfidensintervall {change['interval']})"
        if change["verdict"]:
            text += f", {change['verdict']}"
        lines.append((text, 20, False))
        if change.get("version_changed") and change.get("items_compared"):
            lines.append(
                (
                    f"Enkäten ändrades: förändringen är beräknad på de {change['items_compared']} "
                    "påståenden som finns i båda versionerna.",
                    16,
                    False,
                )
            )
    if view["quadrant"]:
        lines.append((f"{view['quadrant']['name']}: {view['quadrant']['levels']}", 20, False))
    if view["preliminary"]:
        lines.append((f"Resultaten för {year} är preliminära.", 18, True))
    _text_box(slide, Inches(0.8), Inches(1.6), Inches(11.7), Inches(5.4), lines)

    charts = view["charts"]
    slide = _content_slide(prs, "Position och typ")
    _picture(slide, charts["quadrant"].png, Inches(0.5), Inches(1.4), Inches(7.0), Inches(5.9))
    if view["quadrant"]:
        q = view["quadrant"]
        _text_box(
            slide,
            Inches(7.8),
            Inches(1.6),
            Inches(5.0),
            Inches(5.4),
            [(q["name"], 26, True), (q["levels"], 16, False), (q["description"], 16, False)],
        )
    else:
        _text_box(
            slide,
            Inches(7.8),
            Inches(1.6),
            Inches(5.0),
            Inches(2),
            [(f"Typ kan inte anges för {year}.", 18, False)],
        )

    slide = _content_slide(prs, "Kategorierna jämfört med länet")
    if charts["radar"] is not None:
        _picture(slide, charts["radar"].png, Inches(0.5), Inches(1.4), Inches(7.0), Inches(5.9))
    sw = [("Relativa styrkor", 20, True)]
    sw += [(f"{c['name']}: {c['index_text']}", 18, False) for c in view["strengths"]] or [
        ("–", 18, False)
    ]
    sw += [("Relativa svagheter", 20, True)]
    sw += [(f"{c['name']}: {c['index_text']}", 18, False) for c in view["weaknesses"]] or [
        ("–", 18, False)
    ]
    sw += [
        ("Styrkor och svagheter är relativa: de tre högsta och tre lägsta kategorierna.", 12, False)
    ]
    _text_box(slide, Inches(7.8), Inches(1.6), Inches(5.0), Inches(5.4), sw)

    slide = _content_slide(prs, "Utveckling över åren")
    _picture(slide, charts["trend"].png, Inches(0.8), Inches(1.4), Inches(11.7), Inches(5.0))
    _text_box(
        slide,
        Inches(0.8),
        Inches(6.6),
        Inches(11.7),
        Inches(0.7),
        [("Linjerna visar 95 % konfidensintervall; ofyllda punkter är preliminära år.", 12, False)],
    )

    for tbl, title in (
        (view["target_groups"], "Resultat per målgrupp"),
        (view["departments"], "Resultat per förvaltning"),
    ):
        if tbl:
            _table_slide(prs, f"{title} {year}", tbl)

    slide = _content_slide(prs, "Att läsa resultaten")
    _text_box(
        slide,
        Inches(0.8),
        Inches(1.5),
        Inches(11.7),
        Inches(5.6),
        [(view["reading_note"], 15, False), ("Frågor för dialogen", 18, True)]
        + [(f"• {q}", 16, False) for q in DIALOGUE_QUESTIONS_SV],
    )

    _swedish_text(prs)
    props = prs.core_properties
    props.title = f"Digital mognad {year} – {org['organisation_name']}"
    props.subject = "Digital mognad (DiMiOS), underlag för lokal dialog"
    props.author = props.last_modified_by = "mognad"
    props.language = "sv-SE"
    props.revision = 1
    if created is not None:
        props.created = props.modified = created.replace(tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path
