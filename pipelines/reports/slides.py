"""One slide deck (.pptx, python-pptx) per organisation for the local dialogue.

A deck people present as it is: 16:9, the organisation's name in the title, a footer on
every slide with the source, the snapshot's date and the slide number, native charts
that stay editable in PowerPoint (python-pptx's chart API: XY scatter, radar, line, bar;
their numbers are in the chart's own data sheet), tables with numbers right-aligned and
columns wide enough that intervals and words never wrap, and speaker notes on every slide
saying how to read it. Slides, in order:

1. title: "<organisation> – digital mognad <år>" ("preliminära resultat" when the year is);
2. "Nyckeltal" — maturity, capability, legacy with intervals, respondents, response rate,
   change, type;
3. "Position och typ" — the organisation among all others (scatter), the type's text;
4. "Kategorierna jämfört med länet" — radar chart, relative strengths and weaknesses;
5. "Utveckling över åren" — line chart with intervals and the county mean; withheld or
   hidden years named with their reason;
6. "Svarsfrekvens per målgrupp" and 7. "”Vet ej” per målgrupp" — each when the snapshot
   has rows for the organisation;
8. "Resultat per målgrupp" and 9. "Resultat per förvaltning" — tables, when there are rows;
10. "Rekommendationer <år>" — for the three weakest categories and the type, when there are;
11. "Beslutade åtgärder och uppföljning" — the decided actions with the targeted category's
    change since the measurement they answer, when the organisation has any;
12. "Begrepp" — the terms and dimensions (``concepts.py``);
13. "Att läsa resultaten" — the reading note and questions for the dialogue.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pipelines.publish.snapshot import YEAR_STATUS_SV
from pipelines.reports import charts, concepts
from pipelines.reports.council import SIGNED_OFF, WITHHELD_RULE_SV
from pipelines.reports.data import COUNTY_POPULATION, Population
from pipelines.reports.formatting import (
    format_count,
    format_date,
    format_int,
    percent_number_format,
)

TITLE_LAYOUT = 0
TITLE_ONLY_LAYOUT = 5
SLIDE_W = Inches(13.333)
SLIDE_H = Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_TOP = Inches(1.35)
FOOTER_TOP = Inches(7.0)
FOOTER_H = Inches(0.35)
CONTENT_BOTTOM = Inches(6.9)
CONTENT_W = SLIDE_W - 2 * MARGIN

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
"""The slides' titles' colour."""
ORGANISATION = RGBColor.from_string(charts.ORG_COLOUR.lstrip("#"))
"""The colour of the organisation's own series (its point, spider, trend and bars): the
pages' and PDFs' charts' (``charts.ORG_COLOUR``), so a deck and a page draw the organisation
alike."""
CUTS = RGBColor(0x7F, 0x7F, 0x7F)
REFERENCE = RGBColor.from_string(charts.COUNTY_COLOUR.lstrip("#"))
"""The colour of what the organisation is compared with (the radar's comparison, the trend's
population mean): the pages' and PDFs' charts' (``charts.COUNTY_COLOUR``), dashed there and
here, so a deck and a page name and draw the same line alike."""
REFERENCE_SV = "röd streckad linje"
"""How the slides' texts name a ``REFERENCE`` line."""
OTHERS = RGBColor(0xA6, 0xA6, 0xA6)
INTERVAL = RGBColor(0x9D, 0xC3, 0xE6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
FOOTER_GREY = RGBColor(0x59, 0x59, 0x59)

SOURCE_SV = "Källa: {genitive} mätning av digital mognad (DiMiOS)"
"""The footer's source; ``genitive`` is the population's (``Population.genitive``)."""

DIALOGUE_QUESTIONS_SV = (
    "Känner vi igen bilden? Vad förvånar oss?",
    "Vad förklarar våra relativa styrkor, och hur tar vi vara på dem?",
    "Vilken av de relativa svagheterna vill vi börja med, och vem äger frågan?",
    "Var svarade många ”vet ej”, och hur sprider vi kunskap dit?",
)

NOTES_SV = {
    "recommendations": (
        "Rekommendationerna gäller organisationens tre relativt svagaste kategorier och dess "
        "typ. De är projektets egna texter och ett underlag för samtalet om vad som ska göras, "
        "inte färdiga beslut. Besluten förs in i handlingsplanen."
    ),
    "actions": (
        "Åtgärderna kommer från handlingsplanen som organisationen lämnat till "
        "digitaliseringsrådet. För varje åtgärd visas den berörda kategorins index vid "
        "mätningen som åtgärden svarar på och vid den senaste, och förändringen med 95 % "
        "konfidensintervall. Säkerställd betyder att intervallet inte omfattar noll. En "
        "förändring bevisar inte att åtgärden orsakade den."
    ),
    "title": (
        "Presentationen visar {org}s resultat i {genitive} gemensamma mätning av digital mognad "
        "{year}. Siffrorna kommer från publiceringen {snapshot}. Alla index går från 0 till "
        "100. {prelim}"
    ),
    "key": (
        "Digital mognad är medelvärdet av digital förmåga och digitalt arv. Intervallet är ett "
        "95 % konfidensintervall: det visar hur säkert medelvärdet av de svarandes bedömningar "
        "är, inte hur säker bilden av hela organisationen är. Svarsfrekvensen säger hur många "
        "av de inbjudna som svarade; vid inbjudan via länk går den inte att veta. En förändring "
        "är säkerställd först när dess intervall inte omfattar noll."
    ),
    "quadrant": (
        "Varje punkt är en organisation i {name}; {org} är markerad. Vågrätt: digital förmåga, "
        "lodrätt: digitalt arv. Linjerna delar in organisationerna i fyra typer (A–D). Typen "
        "är ett stöd för samtalet om vad som håller tillbaka och vad som driver, inte ett "
        "betyg. Diagrammet går att redigera: högerklicka och välj Redigera data."
    ),
    "quadrant_cells": (
        "Varje grå cirkel är en ruta på {cell} × {cell} indexpunkter: talet i cirkeln är hur "
        "många organisationer i {name} som har sin digitala förmåga och sitt digitala arv i "
        "rutan, och cirkelns yta växer med talet. {org} är den blå punkten. Vågrätt: digital "
        "förmåga, lodrätt: digitalt arv. Linjerna delar in organisationerna i fyra typer "
        "(A–D). Typen är ett stöd för samtalet om vad som håller tillbaka och vad som driver, "
        "inte ett betyg. Diagrammet går att redigera: högerklicka och välj Redigera data."
    ),
    "radar": (
        "Diagrammet visar de sex kategorierna för {org} (blå) och {comparison} ({reference}). "
        "Styrkor och svagheter är relativa: de tre högsta och tre lägsta kategorierna visas "
        "alltid, även när alla värden är höga. Börja gärna samtalet i en av svagheterna."
    ),
    "trend": (
        "De blå punkterna visar digital mognad per år, med en linje mellan år i följd; "
        "strecken över och under varje punkt är 95 % "
        "konfidensintervallets gränser, och den röda streckade linjen är "
        "{genitive} medelvärde. Ett år utan värde bryter "
        "linjen; skälet för varje sådant år står sist i anteckningarna (på bilden under "
        "diagrammet, eller bara årtalen när de är många). När enkäten har ändrats jämförs bara de "
        "påståenden som finns i båda versionerna."
    ),
    "rates": (
        "Staplarna visar hur stor andel av de inbjudna i varje målgrupp som svarade. En låg "
        "svarsfrekvens gör resultatet osäkrare för den gruppen. Där inbjudan skickades som "
        "länk går svarsfrekvensen inte att veta; den visas då som okänd, aldrig som 0 %."
    ),
    "dont_know": (
        "Staplarna visar hur stor andel av svaren i varje målgrupp som var ”vet ej”. ”Vet ej” "
        "är ett ärligt svar och räknas inte som ett lågt värde. En hög andel visar var kunskap "
        "saknas: fråga vem som behöver veta mer, och om vad."
    ),
    "groups": (
        "Tabellen visar resultaten per {what}. Grupper med färre än {min_n} svarande visas "
        "inte, inte heller ett index där en kategori har färre än {min_n} svar, och ibland "
        "döljs ytterligare ett värde så att det dolda inte kan räknas fram. Skillnader mellan "
        "grupper är ofta en bra ingång till samtalet."
    ),
    "concepts": (
        "Begreppen blandas ofta ihop. Digitalisering handlar om verksamhetens förändring, IT "
        "om tekniken, digital mognad om förmågan att ta till vara möjligheterna och digital "
        "kompetens om vad enskilda kan. Mätningen mäter digital mognad."
    ),
    "reading": (
        "Avsluta med frågorna för dialogen. Resultaten speglar också förväntningar: den som "
        "vet mer om vad som är möjligt kan vara mer självkritisk."
    ),
}


# --------------------------------------------------------------------------- building blocks


def _place(shape, left, top, width, height) -> None:
    """Position a placeholder explicitly: python-pptx's default layouts are 4:3, the deck 16:9."""
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _title_slide(prs):
    """The title slide without its texts (:func:`_fill_title_slide`), its two placeholders
    placed on the 16:9 slide."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    _place(slide.shapes.title, Inches(0.9), Inches(1.8), Inches(11.5), Inches(1.7))
    _place(slide.placeholders[1], Inches(0.9), Inches(3.7), Inches(11.5), Inches(2.0))
    return slide


def _fill_title_slide(slide, title: str, subtitle: str) -> None:
    shape = slide.shapes.title
    shape.text = title
    shape.text_frame.paragraphs[0].font.color.rgb = ACCENT
    slide.placeholders[1].text = subtitle


def _content_slide(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    shape = slide.shapes.title
    shape.text = title
    para = shape.text_frame.paragraphs[0]
    para.font.size = Pt(30)
    para.font.color.rgb = ACCENT
    para.alignment = PP_ALIGN.LEFT
    _place(shape, MARGIN, Inches(0.3), CONTENT_W, Inches(0.95))
    return slide


def _text_box(slide, left, top, width, height, lines: list[tuple[str, int, bool]]) -> None:
    """Add a text box; ``lines`` are ``(text, size_pt, bold)``. The box keeps its size
    (python-pptx's text boxes grow with their text, over what lies below them)."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, (text, size, bold) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = text
        font = para.font
        font.size = Pt(size)
        font.bold = bold
        para.space_after = Pt(PARAGRAPH_SPACE_PT)


FOOTER_NAME = "Sidfot"
"""The name of each of a slide's three footer text boxes (PowerPoint's selection pane)."""


def _footer(slide, left_text: str, middle_text: str, number: int, total: int) -> None:
    """Source (left), date (middle) and ``n / N`` (right) in small grey type."""
    for text, left, width, align in (
        (left_text, MARGIN, Inches(7.6), PP_ALIGN.LEFT),
        (middle_text, MARGIN + Inches(7.7), Inches(2.6), PP_ALIGN.CENTER),
        (f"{number} / {total}", SLIDE_W - MARGIN - Inches(1.6), Inches(1.6), PP_ALIGN.RIGHT),
    ):
        box = slide.shapes.add_textbox(left, FOOTER_TOP, width, FOOTER_H)
        box.name = FOOTER_NAME
        frame = box.text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.text = text
        para.alignment = align
        para.font.size = Pt(10)
        para.font.color.rgb = FOOTER_GREY


def _is_number_text(text: str) -> bool:
    """True for a cell that holds a number, percentage or interval (right-aligned)."""
    stripped = text.replace(" till ", "").replace("\u00a0", "").replace(" ", "")
    return bool(stripped) and all(ch in "0123456789,.%–−+±-" for ch in stripped) and any(
        ch.isdigit() for ch in stripped
    )


CHAR_WIDTH_EM = 0.68
"""Average width of a character in the deck's sans-serif font, in ems (a conservative
estimate that also holds for bold headers; used to size table columns)."""
CELL_PADDING = Inches(0.3)


LINE_HEIGHT_EM = 1.2
"""A text line's height in ems (single line spacing of the deck's sans-serif font)."""
PARAGRAPH_SPACE_PT = 6
"""The space after each paragraph of :func:`_text_box`, in points."""
TEXT_INSET = Inches(0.1)
"""A text box's left and right inner margin (PowerPoint's default; top and bottom are half)."""


def paragraph_lines(text: str, width: int, size_pt: float) -> int:
    """How many lines ``text`` wraps to at ``size_pt`` in a text box ``width`` EMU wide:
    words placed greedily at ``CHAR_WIDTH_EM`` per character (the tables' conservative
    estimate), a word longer than a line on lines of its own."""
    per_line = max(1, int((width - 2 * TEXT_INSET) / Pt(size_pt * CHAR_WIDTH_EM)))
    lines, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > per_line:
            lines, used = lines + 1, 0
            need = len(word)
        while need > per_line:  # a word wider than the box breaks where it must
            lines, need = lines + 1, need - per_line
        used += need
    return lines


def text_height(lines: Sequence[tuple[str, float, bool]], width: int) -> int:
    """The height (EMU) that :func:`_text_box`'s ``lines`` take in a box ``width`` wide,
    its top and bottom inner margins included (:func:`paragraph_lines`, ``LINE_HEIGHT_EM``,
    ``PARAGRAPH_SPACE_PT``)."""
    points = sum(paragraph_lines(text, width, size) * size * LINE_HEIGHT_EM + PARAGRAPH_SPACE_PT
                 for text, size, _ in lines)
    return TEXT_INSET + math.ceil(points * Pt(1))  # rounded up: the box holds it all


def _column_needs(rows: Sequence[Sequence[str]], font_pt: float) -> tuple[list[int], list[int]]:
    """Per column, the width (EMU) it needs (its longest word, and its longest cell when
    its cells are numbers or intervals, which never wrap) and the width its longest cell
    would take on one line."""
    char = Pt(font_pt * CHAR_WIDTH_EM)
    need, want = [], []
    for j in range(len(rows[0])):
        cells = [str(r[j]) for r in rows]
        words = max((len(w) for c in cells for w in c.split()), default=1)
        numbers = max((len(c) for c in cells[1:] if _is_number_text(c)), default=0)
        need.append(int(max(words, numbers, 3) * char + CELL_PADDING))
        want.append(int(max(len(c) for c in cells) * char + CELL_PADDING))
    return need, want


MIN_TABLE_FONT_PT = 9
"""The smallest font a slide table shrinks to so that its numbers fit without wrapping."""


def fitting_font(rows: Sequence[Sequence[str]], total: int, font_pt: float) -> float:
    """The largest font size from ``font_pt`` down to ``MIN_TABLE_FONT_PT`` (half points)
    at which every column gets the width it needs (:func:`_column_needs`) within ``total``."""
    size = font_pt
    while size > MIN_TABLE_FONT_PT and sum(_column_needs(rows, size)[0]) > total:
        size -= 0.5
    return size


def column_widths(rows: Sequence[Sequence[str]], total: int, font_pt: float) -> list[int]:
    """Widths (EMU) for a table's columns that add up to ``total``.

    Each column first gets room for its longest word and, when its cells are numbers or
    intervals, for its longest cell, so a number never wraps and no word is broken
    mid-word; what is left is shared in proportion to how much longer the longest cell
    is. When even the minimum does not fit, the columns shrink in proportion (the caller
    picks the font with :func:`fitting_font` first).
    """
    n = len(rows[0])
    need, want = _column_needs(rows, font_pt)
    spare = total - sum(need)
    if spare <= 0:
        out = [int(total * w / sum(need)) for w in need]
    else:
        extra = [max(w - nd, 0) for w, nd in zip(want, need, strict=True)]
        weight = sum(extra) or n
        out = [nd + int(spare * (e if sum(extra) else 1) / weight)
               for nd, e in zip(need, extra, strict=True)]
    out[-1] += total - sum(out)
    return out


def _table(slide, rows: list[list[str]], left, top, width, *, font_pt: int = 14,
           max_height=None) -> Any:
    """A table whose first row is the header; numbers right-aligned and never wrapped."""
    n_rows, n_cols = len(rows), len(rows[0])
    max_height = max_height or (CONTENT_BOTTOM - top)
    if n_rows > 12:
        font_pt = min(font_pt, 11)
    font_pt = fitting_font(rows, width, font_pt)
    row_height = min(Inches(0.45), int(max_height / n_rows))
    shape = slide.shapes.add_table(n_rows, n_cols, left, top, width, row_height * n_rows)
    table = shape.table
    for column, w in zip(table.columns, column_widths(rows, width, font_pt), strict=True):
        column.width = w
    margin, size = Emu(int(Inches(0.03))), Pt(font_pt)
    # every row already has row_height: add_table gives each row the height // rows
    for i, (row, table_row) in enumerate(zip(rows, table.rows, strict=True)):
        for j, (text, cell) in enumerate(zip(row, table_row.cells, strict=True)):
            cell.text = str(text)
            cell.margin_top = cell.margin_bottom = margin
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            numeric = j > 0 and (_is_number_text(str(text)) or (i == 0 and _numeric_column(rows, j)))
            frame = cell.text_frame
            frame.word_wrap = not numeric
            for para in frame.paragraphs:
                font = para.font
                font.size = size
                font.bold = i == 0
                para.alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
    return shape


def _numeric_column(rows: list[list[str]], j: int) -> bool:
    body = [str(r[j]) for r in rows[1:] if str(r[j]).strip()]
    return bool(body) and sum(_is_number_text(t) for t in body) >= len(body) / 2


def _style_series(series, color: RGBColor, *, line: bool = True, dash=None, marker=True,
                  width_pt: float = 2.5) -> None:
    if line:
        series.format.line.color.rgb = color
        series.format.line.width = Pt(width_pt)
        if dash is not None:
            series.format.line.dash_style = dash
    else:
        series.format.line.fill.background()
    if marker:
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 8
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = color
        series.marker.format.line.color.rgb = color
    else:
        series.marker.style = XL_MARKER_STYLE.NONE


def _axis_0_100(axis, title: str | None = None) -> None:
    axis.minimum_scale = 0
    axis.maximum_scale = 100
    axis.major_unit = 25
    axis.has_major_gridlines = False
    axis.tick_labels.font.size = Pt(11)
    if title:
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        axis.axis_title.text_frame.paragraphs[0].font.size = Pt(12)


def _legend(chart, position=XL_LEGEND_POSITION.BOTTOM) -> None:
    chart.has_legend = True
    chart.legend.position = position
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)


# --------------------------------------------------------------------------- native charts


LABEL_CHAR_UNITS = 2.0
LABEL_HEIGHT_UNITS = 5.5
LABEL_GAP_UNITS = 1.5
LABEL_MARKER_UNITS = 1.2
"""The position slide's name label in the chart's units (index points, 0–100 on both axes of
a plot about 6 × 4.5 inches): one character of 14-point bold text about 2 points wide, a
line about 5.5 points high, clear of its 12-point marker by 1.5 points; another
organisation's 8-point marker reaches about 1.2 points from its centre, so a label that
misses the centre by less still covers the marker."""


def label_position(name: str, x: float, y: float, others: Sequence[tuple[float, float]]):
    """Where the position slide names the organisation's point ``(x, y)``: the first side
    (right, left, above, below) whose label box, estimated from the name's length, stays
    inside 0–100 and covers none of the ``others`` points' markers; else the side covering
    fewest. A data label's position is all the chart offers (PowerPoint and LibreOffice
    place it)."""
    w, h, gap = len(name) * LABEL_CHAR_UNITS, LABEL_HEIGHT_UNITS, LABEL_GAP_UNITS
    boxes = [
        (XL_LABEL_POSITION.RIGHT, (x + gap, y - h / 2, x + gap + w, y + h / 2)),
        (XL_LABEL_POSITION.LEFT, (x - gap - w, y - h / 2, x - gap, y + h / 2)),
        (XL_LABEL_POSITION.ABOVE, (x - w / 2, y + gap, x + w / 2, y + gap + h)),
        (XL_LABEL_POSITION.BELOW, (x - w / 2, y - gap - h, x + w / 2, y - gap)),
    ]

    def covered(box) -> int:
        r = LABEL_MARKER_UNITS
        x0, y0, x1, y1 = box
        return sum(1 for ox, oy in others if x0 - r <= ox <= x1 + r and y0 - r <= oy <= y1 + r)

    inside = [(pos, box) for pos, box in boxes
              if box[0] >= 0 and box[2] <= 100 and box[1] >= 0 and box[3] <= 100]  # fmt: skip
    candidates = inside or boxes
    return min(candidates, key=lambda pb: covered(pb[1]))[0]


CELLS_SERIES_SV = "Antal organisationer i rutan"
"""The name of the position chart's grey series when it shows cells (many organisations)."""

CELL_SIDE_PT = 34.0
"""A cell's side (``charts.POSITION_CELL`` index points) in points on the position slide's
chart, whose 0–100 axes span a plot about 4.7 inches high: the scale of the cells' circles
(``charts.cell_diameters``)."""

CELL_FILL = RGBColor(0xC8, 0xCD, 0xD3)
"""A cell's circle on the position slide: light grey, its count (black) legible on it."""

CELL_LABEL_SPOTS = ((0.0, 0.0), (-3.0, -2.5), (3.0, -2.5), (-3.0, 2.5), (3.0, 2.5))
"""Where a cell's circle and count lie around its centre (index points: the centre and the
corners of a box about 6 × 5 points): the spots the organisation's name label should not
cover (:func:`label_position` counts points)."""


POSITION_TITLE_SV = "Position och typ"
"""The position slide's title (:func:`_slide_plan`; :func:`_skeleton` finds the slide by it)."""
HALF_CHART_BOX = (MARGIN, CONTENT_TOP, Inches(7.0), Inches(5.5))
"""The position and radar slides' chart, its text to the right: left, top, width, height
(EMU)."""


def position_data(points, capability_cut: float, legacy_cut: float, *,
                  place: Population = COUNTY_POPULATION, cells=()) -> XyChartData:
    """The position chart's four series (:func:`quadrant_chart`): the others (or the cells,
    ``CELLS_SERIES_SV``, their centres), the organisation's own point (none when an index is
    missing), and the two cuts as two-point lines."""
    data = XyChartData()
    others = data.add_series(CELLS_SERIES_SV if cells
                             else f"{place.genitive.capitalize()} organisationer")
    own = data.add_series("Denna organisation")
    for cap, leg, _count in cells:
        others.add_data_point(cap, leg)
    for _, cap, leg, is_self in points:
        if cap is None or leg is None or (cells and not is_self):
            continue
        (own if is_self else others).add_data_point(cap, leg)
    cut_x = data.add_series("Gräns digital förmåga")
    cut_x.add_data_point(capability_cut, 0)
    cut_x.add_data_point(capability_cut, 100)
    cut_y = data.add_series("Gräns digitalt arv")
    cut_y.add_data_point(0, legacy_cut)
    cut_y.add_data_point(100, legacy_cut)
    return data


def quadrant_chart(slide, points, capability_cut: float, legacy_cut: float, left, top, width,
                   height, *, place: Population = COUNTY_POPULATION, cells=()):
    """XY scatter: every other organisation as a grey dot, this one highlighted and named,
    the two cuts as lines. ``points`` are ``(name, capability, legacy, is_self)``; the grey
    series is named for ``place`` ("Länets organisationer"); the series are
    :func:`position_data`'s.

    With ``cells`` (``charts.position_cells`` of the points: many organisations) the grey
    series is the cells instead, ``CELLS_SERIES_SV``: one point per cell at its centre, its
    marker's area in proportion to the count and the count as its label; the same for
    every organisation's deck of a year (:func:`_skeleton` draws it once, without an own
    point, and :func:`_quadrant_slide` puts the organisation in it)."""
    data = position_data(points, capability_cut, legacy_cut, place=place, cells=cells)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, left, top, width, height, data)
    chart = frame.chart
    series = list(chart.plots[0].series)
    _style_series(series[0], OTHERS, line=False)
    _style_series(series[1], ORGANISATION, line=False)
    series[1].marker.size = 12
    for point, (_x, _y, count), share in zip(series[0].points, cells,
                                             charts.cell_diameters(cells), strict=False):
        point.marker.size = max(2, min(72, round(share * CELL_SIDE_PT)))  # the format's range
        label = point.data_label
        label.has_text_frame = True
        label.position = XL_LABEL_POSITION.CENTER
        run = label.text_frame.paragraphs[0].add_run()
        run.text = format_int(count)
        run.font.size = Pt(9)  # the run's own: LibreOffice ignores the label's for rich text
    if cells:  # lighter circles under their counts; the organisation's point outlined in white
        series[0].marker.format.fill.fore_color.rgb = CELL_FILL
        series[0].marker.format.line.color.rgb = CELL_FILL
        series[1].marker.format.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for s in series[2:]:
        _style_series(s, CUTS, marker=False, dash=MSO_LINE_DASH_STYLE.DASH, width_pt=1.25)
    name_own_point(chart, points, cells)
    _axis_0_100(chart.category_axis, "Digital förmåga")
    _axis_0_100(chart.value_axis, "Digitalt arv")
    chart.has_legend = False
    return frame


def name_own_point(chart, points, cells=()) -> None:
    """Name the organisation's point of the position ``chart`` (its second series' first
    point) with a 14-point bold data label on the side :func:`label_position` picks, clear
    of the others' points or of the ``cells``' circles and counts; nothing when the
    organisation has no point (an index missing)."""
    own = next(((name, cap, leg) for name, cap, leg, is_self in points
                if is_self and cap is not None and leg is not None), None)
    if own is None:
        return
    own_name, own_x, own_y = own
    label = list(chart.plots[0].series)[1].points[0].data_label
    label.has_text_frame = True
    label.text_frame.text = own_name
    label.position = label_position(
        own_name, own_x, own_y,
        [(cap + dx, leg + dy) for cap, leg, _count in cells for dx, dy in CELL_LABEL_SPOTS]
        if cells
        else [(cap, leg) for _, cap, leg, is_self in points
              if not is_self and cap is not None and leg is not None])  # fmt: skip
    label.font.size = Pt(14)
    label.font.bold = True


RADAR_SCALE_SV = "Skalan går från 0 i mitten till 100 ytterst; ringarna ligger vid 25, 50 och 75."
"""How the radar slide's chart is read without numbers on its value axis (:func:`radar_chart`)."""


def _rounded(values) -> list[float | None]:
    """Index values as the charts' data sheets hold them: one decimal, ``None`` kept."""
    return [None if v is None else round(v, 1) for v in values]


def radar_data(names, values, comparison, org_label, *, comparison_label: str,
               ) -> CategoryChartData:
    """The radar's data (:func:`radar_chart`): the categories ``names``, the organisation's
    ``values`` (named ``org_label``) and ``comparison`` (named ``comparison_label``)."""
    data = CategoryChartData()
    data.categories = list(names)
    data.add_series(org_label, _rounded(values), "0.0")
    data.add_series(comparison_label, _rounded(comparison), "0.0")
    return data


def placeholder_data(categories: int, series: int, number_format: str = "0.0",
                     ) -> CategoryChartData:
    """Chart data of the given shape, every name empty and every value missing: what the
    deck's skeleton (:func:`_skeleton`) draws a chart with before each organisation's data
    replaces it (python-pptx's ``Chart.replace_data``)."""
    data = CategoryChartData()
    data.categories = [""] * categories
    for _ in range(series):
        data.add_series("", [None] * categories, number_format)
    return data


def radar_chart(slide, data: CategoryChartData, left, top, width, height):
    """Radar of :func:`radar_data`: the six category indices of the organisation and what
    they are compared with (the organisation view's ``series.radar_comparison``, the same as
    the page's spider chart)."""
    frame = slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, left, top, width, height, data)
    chart = frame.chart
    series = list(chart.plots[0].series)
    _style_series(series[0], ORGANISATION)
    _style_series(series[1], REFERENCE, dash=MSO_LINE_DASH_STYLE.DASH, width_pt=1.75)
    _axis_0_100(chart.value_axis)
    # the value axis' numbers sat on the upward spoke, under the lines and points of the first
    # category: the rings at 25, 50, 75 and 100 carry the scale instead (RADAR_SCALE_SV)
    chart.value_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    chart.category_axis.tick_labels.font.size = Pt(13)
    _legend(chart)
    return frame


def trend_data(trend: dict[str, Any], org_label: str, *,
               place: Population = COUNTY_POPULATION) -> CategoryChartData:
    """The trend chart's data (:func:`trend_chart`), one category per year: the population's
    mean (named ``place.mean``), the interval's lower and upper bounds, the organisation's
    maturity (named ``org_label``) and, when a year with a value is preliminary, a fifth
    series of the preliminary years' values only."""
    data = CategoryChartData()
    data.categories = [str(y) for y in trend["years"]]
    data.add_series(place.mean, _rounded(trend["county"]), "0.0")
    data.add_series("Konfidensintervall, nedre", _rounded(trend["lower"]), "0.0")
    data.add_series("Konfidensintervall, övre", _rounded(trend["upper"]), "0.0")
    data.add_series(org_label, _rounded(trend["values"]), "0.0")
    preliminary = [v if prelim else None
                   for v, prelim in zip(trend["values"], trend["preliminary"], strict=True)]
    if any(v is not None for v in preliminary):
        # a series of its own, not the points' own format (c:dPt), which LibreOffice ignores
        data.add_series("Preliminärt", _rounded(preliminary), "0.0")
    return data


def trend_chart(slide, data: CategoryChartData, left, top, width, height):
    """Line chart per year of :func:`trend_data`: the county mean (``REFERENCE``, dashed,
    small square markers), the organisation's maturity and its interval (caps above and
    below each point); a year without a published value is a gap (no line is drawn to or
    from it); preliminary years have hollow markers (the fifth series, without a line).
    Series in that order: a chart draws its series in order, so the organisation's larger
    markers lie above the mean's where the two are close."""
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    chart = frame.chart
    series = list(chart.plots[0].series)
    _style_series(series[0], REFERENCE, dash=MSO_LINE_DASH_STYLE.DASH, width_pt=1.5)
    series[0].marker.style = XL_MARKER_STYLE.SQUARE
    series[0].marker.size = 5
    for s in series[1:3]:  # the bounds as caps above and below each year's point
        _style_series(s, INTERVAL, line=False)
        s.marker.style = XL_MARKER_STYLE.DASH
        s.marker.size = 14
    _style_series(series[3], ORGANISATION, width_pt=3)
    series[3].marker.size = 11
    if len(series) > 4:
        # the preliminary years' hollow markers: a white dot without outline drawn on the
        # organisation's marker leaves a blue ring (LibreOffice draws no marker outline, so
        # a white marker with a blue outline would hide the point there)
        _style_series(series[4], WHITE, line=False)
        series[4].marker.size = 5
        series[4].marker.format.line.fill.background()
    _axis_0_100(chart.value_axis, "Digital mognad")
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xE0, 0xE0, 0xE0)
    chart.category_axis.tick_labels.font.size = Pt(12)
    # no legend: the interval's two bounds are two series, which a legend would list as two
    # things; the slide's text names the lines and the interval marks (_trend_slide)
    chart.has_legend = False
    return frame


def share_axis_maximum(shares) -> float:
    """The value axis' end for bars of ``shares`` (0–1): a quarter above the largest,
    rounded up to 10 %, at least 10 % and at most 100 %, so a 5 % bar is not a sliver on an
    axis to 100 %."""
    largest = max((s for s in shares if s is not None), default=0.0)
    return min(1.0, max(0.1, math.ceil(largest * 1.25 * 10 - 1e-9) / 10))


def share_data(labels, shares, series_name: str) -> CategoryChartData:
    """The data of :func:`share_bar_chart`: one category per group (``labels``), the shares
    0–1 (``None`` kept: no bar) as one series named ``series_name``, shown as percentages."""
    data = CategoryChartData()
    data.categories = list(labels)
    data.add_series(series_name, [None if s is None else round(s, 4) for s in shares],
                    percent_number_format())
    return data


def share_bar_chart(slide, data: CategoryChartData, left, top, width, height,
                    *, maximum: float = 1.0):
    """Horizontal bars of :func:`share_data` with percentage labels; a missing share has no
    bar (the slide's text names those groups); the value axis ends at ``maximum``
    (:func:`share_axis_scale`)."""
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    chart = frame.chart
    chart.has_title = False
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    plot.data_labels.number_format = percent_number_format()
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(12)
    bars = plot.series[0]
    bars.format.fill.solid()
    bars.format.fill.fore_color.rgb = ORGANISATION
    axis = chart.value_axis
    share_axis_scale(chart, maximum)
    axis.tick_labels.number_format = percent_number_format()
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = False
    chart.category_axis.reverse_order = True  # first group on top
    chart.category_axis.tick_labels.font.size = Pt(12)
    chart.has_legend = False
    return frame


def share_axis_scale(chart, maximum: float) -> None:
    """The bar chart's value axis from 0 to ``maximum`` (a share, at most 1), a tick every
    25 %, 10 % or 5 % as the axis is long (:func:`share_axis_maximum`)."""
    axis = chart.value_axis
    axis.minimum_scale = 0
    axis.maximum_scale = maximum
    axis.major_unit = 0.25 if maximum > 0.5 else (0.1 if maximum > 0.2 else 0.05)


# --------------------------------------------------------------------------- slides


def _key_figures_slide(slide, view):
    rows = [["Mått", "Värde", "95 % konfidensintervall"]]
    for k in view["key_figures"]:
        rows.append([k["label"], k["value"], k["interval"] or "–"])
    rows.append(["Svarande", view["respondents"], ""])
    rate = view["response_rate"]
    if view["response_rate_unknown"]:
        rate = "okänd"
    rows.append(["Svarsfrekvens", rate, ""])
    change = view["change"]
    if change:
        rows.append([f"Förändring sedan {change.get('previous_year') or 'föregående mätning'}",
                     change["text"], change["interval"] or "–"])
    _table(slide, rows, MARGIN, CONTENT_TOP, Inches(8.2), font_pt=18, max_height=Inches(4.2))
    lines = []
    if view["quadrant"]:
        uncertain = f" ({view['uncertain_type']})" if view["quadrant_uncertain"] else ""
        lines.append((f"{view['quadrant']['name']}{uncertain}: {view['quadrant']['levels']}",
                      18, True))
    if change and change.get("verdict"):
        lines.append((f"Förändringen är {change['verdict']}.", 16, False))
    if change and change.get("council_decision"):
        lines.append((change["council_decision"], 14, False))
    if change and change.get("version_changed") and change.get("items_compared"):
        lines.append((f"Enkäten ändrades: förändringen är beräknad på de "
                      f"{change['items_compared']} påståenden som finns i båda versionerna.",
                      14, False))
    if view["response_rate_unknown"]:
        lines.append(("Svarsfrekvensen är okänd: antalet inbjudna är inte känt (inbjudan via "
                      "länk).", 14, False))
    if view["preliminary"]:
        lines.append((f"Resultaten för {view['year']} är preliminära.", 16, True))
    elif view.get("mark"):  # the word the pages set beside the year (SnapshotData.year_mark)
        lines.append((f"Mätningen {view['year']} är {view['mark']}.", 16, False))
    if view.get("year_note"):
        lines.append((view["year_note"], 14, False))
    if view.get("council_decision"):
        lines.append((view["council_decision"], 14, False))
    if lines:
        _text_box(slide, Inches(9.1), CONTENT_TOP, Inches(3.6), Inches(5.4), lines)
    _notes(slide, NOTES_SV["key"])


def _quadrant_slide(slide, view, cuts):
    points = view["series"]["quadrant_points"]
    place = view["place"]
    cells = view["series"]["quadrant_cells"]
    if _position_frame(view, cuts) is not None:  # the skeleton's cells: the organisation put in
        chart = _skeleton_frame(slide).chart
        chart.replace_data(position_data(points, cuts[0], cuts[1], cells=cells))
        name_own_point(chart, points, cells)
    else:
        quadrant_chart(slide, points, cuts[0], cuts[1], *HALF_CHART_BOX, place=place)
    if view["quadrant"]:
        q = view["quadrant"]
        lines = [(q["name"], 26, True), (q["levels"], 16, False), (q["description"], 15, False)]
        if view["quadrant_uncertain"]:  # the page's rule and words (views.UNCERTAIN_TYPE_*)
            lines[0] = (f"{q['name']} ({view['uncertain_type']})", 26, True)
            lines.insert(1, (f"{view['uncertain_type'].capitalize()} typ: "
                             f"{view['uncertain_type_note']}", 14, False))
    else:
        lines = [(f"Typ kan inte anges för {view['year']}"
                  + (f": {view['hidden']}." if view["hidden"] else "."), 18, False)]
    if cells:
        side = f"{charts.POSITION_CELL:g}"
        lines.append((f"Grå cirklar: antal organisationer i rutan ({side} × {side} "
                      f"indexpunkter), {place.genitive} organisationer {view['year']}. "
                      "Streckade linjer: gränserna mellan typerna.", 12, False))
    else:
        lines.append((f"Grå punkter: {place.genitive} övriga organisationer {view['year']}. "
                      "Streckade linjer: gränserna mellan typerna.", 12, False))
    _text_box(slide, Inches(7.9), CONTENT_TOP, Inches(4.8), Inches(5.5), lines)
    notes = NOTES_SV["quadrant_cells"] if cells else NOTES_SV["quadrant"]
    _notes(slide, notes.format(org=view["org"]["short_name"], name=place.name,
                               cell=f"{charts.POSITION_CELL:g}"))


def _radar_slide(slide, view):
    cats = view["categories"]
    if _radar_frame(view) is not None:  # the skeleton's radar (_skeleton): the data put in
        comparison = view["series"]["radar_comparison"]
        _skeleton_frame(slide).chart.replace_data(radar_data(
            [c["name"] for c in cats], [c["value"] for c in cats], comparison["values"],
            view["org"]["short_name"], comparison_label=comparison["label"]))
    sw = [("Relativa styrkor", 20, True)]
    sw += [(f"{c['name']}: {c['index_text']}", 18, False) for c in view["strengths"]] or [
        ("–", 18, False)]
    sw += [("Relativa svagheter", 20, True)]
    sw += [(f"{c['name']}: {c['index_text']}", 18, False) for c in view["weaknesses"]] or [
        ("–", 18, False)]
    sw += [("Styrkor och svagheter är relativa: de tre högsta och tre lägsta kategorierna. "
            + RADAR_SCALE_SV, 12, False)]
    _text_box(slide, Inches(7.9), CONTENT_TOP, Inches(4.8), Inches(5.5), sw)
    _notes(slide, NOTES_SV["radar"].format(
        org=view["org"]["short_name"],
        comparison=view["series"]["radar_comparison"]["label"].lower(), reference=REFERENCE_SV))


def trend_key(trend: dict[str, Any]) -> str:
    """What the trend chart draws for the organisation, as its key names it: "Blå linje" when
    two years in a row have a value (a line joins them), else "Blå punkter" (a year without a
    value breaks the line, so single years stand alone)."""
    return "Blå linje" if _joined(trend) else "Blå punkter"


def _joined(trend: dict[str, Any]) -> bool:
    """Whether two years in a row have a value, so the trend chart draws a line somewhere."""
    return any(a is not None and b is not None for a, b in pairwise(trend["values"]))


NO_LINE_SV = "Inga två år i följd har ett värde, så åren visas som punkter utan linje."
"""The trend slide's words for a year without a value when no line remains (``_joined`` is
false): the page's chart then draws the same lone points."""


def year_status_key(trend: dict[str, Any], place: Population) -> str:
    """The trend chart's key for the years' status, "" when no year it shows has one: the
    signed-off years ("Granskade år: 2019."), then the preliminary ones with their hollow
    points. A year's status is its ``marks`` entry (``SnapshotData.year_mark``, the word the
    pages and PDFs set beside the year: "granskad" or "preliminär"); the hollow points follow
    ``preliminary``, as ``trend_chart`` draws them. Only the organisation's points are drawn
    hollow in a preliminary year, but the population's mean of that year is as preliminary (a
    year's status is the whole survey's), so the key names the hollow points as blue and says
    the mean of those years is preliminary too. A year without a value of either line is not
    named."""
    shown = [(year, mark, prelim) for year, value, mean, prelim, mark in zip(
        trend["years"], trend["values"], trend["county"], trend["preliminary"],
        trend.get("marks") or [""] * len(trend["years"]), strict=True)
        if value is not None or mean is not None]
    signed = [str(year) for year, mark, prelim in shown
              if not prelim and mark == YEAR_STATUS_SV[SIGNED_OFF]]
    preliminary = [str(year) for year, _, prelim in shown if prelim]
    parts = []
    if signed:
        parts.append(f"Granskade år: {', '.join(signed)}.")
    if preliminary:
        parts.append(f"Preliminära år: {', '.join(preliminary)} (ofyllda blå punkter); "
                     f"{place.mean.lower()} är också preliminärt de åren.")
    return " ".join(parts)


TREND_CHART_H = Inches(4.4)
TREND_TEXT_MIN_H = Inches(1.05)
TREND_TEXT_MAX_H = Inches(1.9)
"""The trend slide's chart height, and its text box's under the chart: at least the
minimum, as tall as its text needs up to the maximum, the chart giving up the room."""
TREND_TEXT_SIZES = ((14, 12), (12, 11))
"""The sizes (a year's line, the key) the trend slide's text tries, the largest that fits
``TREND_TEXT_MAX_H`` first (:func:`trend_text`); smaller type is not read from a slide."""


def trend_text(lines: list[tuple[str, int, bool]], key: str, years: dict[str, list[int]],
               *, joined: bool = True) -> tuple[list[tuple[str, float, bool]], int, bool]:
    """The trend slide's text box: ``lines`` (one per year with a withheld, hidden or
    decided value; bold when the line breaks) and the chart's ``key`` at the largest of
    ``TREND_TEXT_SIZES`` at which they fit ``TREND_TEXT_MAX_H`` (:func:`text_height`), and
    the box's height (EMU; at least ``TREND_TEXT_MIN_H``). When they fit at no size (many
    such years), the years' lines are left to the speaker notes and one line names the
    years instead (``years``: ``"broken"`` and ``"decided"``; ``joined``: whether a line
    remains to break, :func:`_joined`, else the years stand as points, ``NO_LINE_SV``); the
    third value is then ``True``."""
    for year_pt, key_pt in TREND_TEXT_SIZES:
        sized = [(text, year_pt, bold) for text, _, bold in lines] + [(key, key_pt, False)]
        height = text_height(sized, CONTENT_W)
        if height <= TREND_TEXT_MAX_H:
            return sized, max(height, TREND_TEXT_MIN_H), False
    year_pt, key_pt = TREND_TEXT_SIZES[0]
    parts = []
    if years["broken"]:
        parts.append(f"{'Linjen bryts' if joined else 'Inget värde'} "
                     f"{_years_text(years['broken'])}: värdet visas inte eller publiceras inte "
                     "enligt rådets kvalitetskontroll." + ("" if joined else f" {NO_LINE_SV}"))
    if years["decided"]:
        parts.append(f"Publicerat genom digitaliseringsrådets beslut: "
                     f"{_years_text(years['decided'])}.")
    parts.append("Skälen för varje år står i anteckningarna till bilden.")
    sized = [(" ".join(parts), year_pt, True), (key, key_pt, False)]
    return sized, max(text_height(sized, CONTENT_W), TREND_TEXT_MIN_H), True


def _years_text(years: Sequence[int]) -> str:
    """``[2019, 2021, 2023]`` as "2019, 2021 och 2023"."""
    names = [str(y) for y in years]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _trend_slide(slide, view):
    trend = view["series"]["trend"]
    place = view["place"]
    lines = []
    joined = _joined(trend)
    decided = dict(zip(trend["years"], trend.get("decided") or [None] * len(trend["years"]),
                       strict=True))  # fmt: skip
    for year, hidden, withheld in zip(trend["years"], trend["hidden"], trend["withheld"],
                                      strict=True):
        if decided[year]:
            lines.append((f"{year}: publicerat genom digitaliseringsrådets beslut, trots att "
                          "kvalitetskontrollen annars hade undanhållit resultatet.", 14, False))
        if withheld:
            lines.append((f"{year}: {withheld}. Enligt rådets kvalitetskontroll "
                          f"{WITHHELD_RULE_SV}. "
                          + ("Linjen bryts det året." if joined else NO_LINE_SV), 14, True))
        elif hidden:
            lines.append((f"{year}: värdet visas inte ({hidden}), så linjen bryts det året."
                          if joined else f"{year}: värdet visas inte ({hidden}). {NO_LINE_SV}",
                          14, True))
    status = year_status_key(trend, place)
    key = (f"{trend_key(trend)}: {view['org']['short_name']}. Strecken över och under "
           f"punkterna: 95 % konfidensintervall. {REFERENCE_SV.capitalize()}: {place.mean.lower()}."
           + (f" {status}" if status else ""))
    broken = [year for year, hidden, withheld in zip(
        trend["years"], trend["hidden"], trend["withheld"], strict=True) if hidden or withheld]
    shown, height, moved = trend_text(lines, key, {
        "broken": broken, "decided": [y for y, t in decided.items() if t]}, joined=joined)
    # the skeleton's chart (_skeleton, TREND_CHART_H high), its data and height put in
    frame = _skeleton_frame(slide)
    frame.height = TREND_CHART_H - max(0, height - TREND_TEXT_MIN_H)
    frame.chart.replace_data(trend_data(trend, view["org"]["short_name"], place=place))
    _text_box(slide, MARGIN, CONTENT_BOTTOM - height, CONTENT_W, height, shown)
    notes = NOTES_SV["trend"].format(genitive=place.genitive)
    if status:
        notes += f" {status}"
    if moved:  # every year's line, as the slide no longer shows them
        notes += " " + " ".join(text for text, _, _ in lines)
    elif any(trend["withheld"]) or any(trend["hidden"]):
        notes += " " + " ".join(text for text, _, bold in lines if bold)
    notes += "".join(f" {year}: {text}" for year, text in decided.items() if text)
    _notes(slide, notes)


def _response_rate_slide(slide, view):
    rates = view["series"]["response_rates"]
    # the skeleton's bars (_skeleton, BARS_BOX): the data put in
    _skeleton_frame(slide).chart.replace_data(share_data(
        [r["label"] + ("" if r["rate"] is not None else " (okänd)") for r in rates],
        [r["rate"] for r in rates], "Svarsfrekvens"))
    lines = [(f"Hela organisationen: {'okänd' if view['response_rate_unknown'] else view['response_rate']}",
              18, True)]
    unknown = [r["label"] for r in rates if r["rate"] is None]
    if unknown:
        lines.append(("Okänd svarsfrekvens (inbjudan via länk): " + ", ".join(unknown) + ".",
                      14, False))
    lines.append(("En låg svarsfrekvens gör resultatet för gruppen osäkrare.", 14, False))
    _text_box(slide, Inches(8.9), CONTENT_TOP, Inches(3.8), Inches(5.4), lines)
    _notes(slide, NOTES_SV["rates"])


def _dont_know_shown(view) -> list[dict[str, Any]]:
    """The groups the "vet ej" slide draws a bar for: those with a share (the hidden ones
    are named in the slide's note, not drawn as empty rows)."""
    return [g for g in view["series"]["dont_know_groups"] if g["share"] is not None]


def _dont_know_slide(slide, view):
    groups = view["series"]["dont_know_groups"]
    items = view.get("dont_know_items") or []
    width = Inches(6.4) if items else BARS_BOX[2]
    shown = _dont_know_shown(view)
    hidden = [g["label"] for g in groups if g["share"] is None]
    if shown:  # the skeleton's bars (_skeleton), sized and the data put in
        frame = _skeleton_frame(slide)
        frame.width = width
        frame.height = min(BARS_BOX[3], Inches(0.8) + Inches(0.75) * len(shown))
        frame.chart.replace_data(share_data([g["label"] for g in shown],
                                            [g["share"] for g in shown], "Andel ”vet ej”"))
        share_axis_scale(frame.chart, share_axis_maximum([g["share"] for g in shown]))
    else:
        _text_box(slide, MARGIN, CONTENT_TOP, width, Inches(1.2), [(
            f"Ingen målgrupp har tillräckligt många svar ({view['min_n']} eller fler) för att "
            "visas.", 18, False)])
    left = MARGIN + width + Inches(0.3)
    right_w = SLIDE_W - MARGIN - left
    if items:
        rows = [["Påstående", "Andel"]] + [[i["text"] or i["item_code"], i["share"]]
                                             for i in items]
        _text_box(slide, left, CONTENT_TOP, right_w, Inches(0.5),
                  [("Påståenden med mest ”vet ej”", 16, True)])
        _table(slide, rows, left, CONTENT_TOP + Inches(0.6), right_w, font_pt=12,
               max_height=Inches(3.9))
    note = "”Vet ej” är inget lågt värde: andelen visar var kunskap saknas."
    if hidden:
        note += f" Visas inte (färre än {view['min_n']} svar): " + ", ".join(hidden) + "."
    _text_box(slide, left, Inches(6.0), right_w, Inches(0.85), [(note, 12, False)])
    _notes(slide, NOTES_SV["dont_know"])


def _group_slide(slide, tbl: dict[str, Any], what: str, min_n: int) -> None:
    rows = [list(tbl["headers"])] + [[row["label"], *row["cells"]] for row in tbl["rows"]]
    _table(slide, rows, MARGIN, CONTENT_TOP, CONTENT_W, font_pt=14, max_height=Inches(5.0))
    _text_box(slide, MARGIN, Inches(6.45), CONTENT_W, Inches(0.45), [(
        f"Grupper med färre än {min_n} svarande visas inte, inte heller ett index där en "
        f"kategori har färre än {min_n} svar; ibland döljs även ett annat värde så att det "
        "dolda inte kan räknas fram.", 11, False)])
    _notes(slide, NOTES_SV["groups"].format(what=what, min_n=min_n))


def _recommendations_slide(slide, view) -> None:
    """"Rekommendationer <år>": the recommendations for the three weakest categories and the
    organisation type (``view["taken_care_of"]["recommendations"]``; the deck has the slide
    only when there are any, :func:`_slide_plan`)."""
    recommendations = view["taken_care_of"]["recommendations"]
    lines: list[tuple[str, int, bool]] = []
    for r in recommendations:
        lines += [(f"{r['label']}: {r['title']}", 16, True), (r["text"], 12, False)]
    _text_box(slide, MARGIN, CONTENT_TOP, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP, lines)
    _notes(slide, NOTES_SV["recommendations"])


def _actions_slide(slide, view) -> None:
    """"Beslutade åtgärder och uppföljning": each decided action (at most eight) with its
    status and the targeted category's change from the measurement it answered to the newest
    one, with the interval and verdict (``view["taken_care_of"]["actions"]``; the deck has
    the slide only when the organisation has a registered action, :func:`_slide_plan`)."""
    section = view["taken_care_of"]
    actions = section["actions"][:8]
    _notes(slide, NOTES_SV["actions"])
    rows = [["Åtgärd", "Kategori", "Status", "Index (mätning)", "Förändring", "95 % KI", "Bedömning"]]
    for a in actions:
        first = a["measurements"][0] if a["measurements"] else None
        last = a["measurements"][-1] if a["measurements"] else None
        later = last is not None and not last["answered"]
        index = "–"
        if first:
            index = f"{first['index']} ({first['year']})"
            if later:
                index += f" → {last['index']} ({last['year']})"
        rows.append([a["text"], a["category"], a["status"], index,
                     (last["change"] or "–") if later else "–",
                     (last["change_interval"] or "–") if later else "–",
                     (last["verdict"] or "kan inte bedömas") if later else "ingen senare mätning"])
    _table(slide, rows, MARGIN, CONTENT_TOP, CONTENT_W, font_pt=12, max_height=Inches(4.6))
    note = section["causation_note"]
    if len(section["actions"]) > len(actions):
        more = format_count(len(section["actions"]) - len(actions), "åtgärd", "åtgärder")
        note = (f"{more} till finns på "
                f"organisationens sida. {note}")
    _text_box(slide, MARGIN, Inches(6.1), CONTENT_W, Inches(0.8), [(note, 12, False)])


def _concepts_slide(slide):
    half = (CONTENT_W - Inches(0.4)) // 2
    left_lines = []
    for c in concepts.TERMS_SV:
        left_lines += [(c.term, 15, True), (c.meaning, 12, False)]
    right_lines = []
    for c in concepts.DIMENSIONS_SV:
        right_lines += [(c.term, 15, True), (c.meaning, 12, False)]
    right_lines += [("”Vet ej”", 15, True), (concepts.DONT_KNOW_SV, 12, False)]
    _text_box(slide, MARGIN, CONTENT_TOP, half, CONTENT_BOTTOM - CONTENT_TOP, left_lines)
    _text_box(slide, MARGIN + half + Inches(0.4), CONTENT_TOP, half,
              CONTENT_BOTTOM - CONTENT_TOP, right_lines)
    _notes(slide, NOTES_SV["concepts"])


def _reading_slide(slide, view):
    _text_box(
        slide, MARGIN, CONTENT_TOP, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP,
        [(view["reading_note"], 15, False), ("Frågor för dialogen", 18, True)]
        + [(f"• {q}", 16, False) for q in DIALOGUE_QUESTIONS_SV],
    )
    _notes(slide, NOTES_SV["reading"])


DRAWINGML_PARAGRAPH = "{http://schemas.openxmlformats.org/drawingml/2006/main}p"
"""The tag of a paragraph (``a:p``) in a slide's XML: every text frame's and table cell's."""


def _swedish_text(prs) -> None:
    """Mark every run and paragraph end as Swedish (sv-SE), so spelling and hyphenation in
    PowerPoint follow Swedish when the deck is edited for the local dialogue: the language
    of each paragraph's default run properties and of each run, as python-pptx's
    ``font.language_id`` sets them. The paragraphs are found in each slide's XML (its
    public ``element``: those of every text frame, placeholder and table cell, not the
    charts', which live in parts of their own) rather than through python-pptx's shape and
    cell objects, which it would make anew for each of some 2,000 paragraphs per deck."""
    for slide in prs.slides:
        paragraphs = list(slide.element.iter(DRAWINGML_PARAGRAPH))
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_placeholder
            if notes is not None:
                paragraphs.extend(notes.element.iter(DRAWINGML_PARAGRAPH))
        for para in paragraphs:
            para.get_or_add_pPr().get_or_add_defRPr().lang = MSO_LANGUAGE_ID.SWEDISH
            for run in para.r_lst:
                run.get_or_add_rPr().lang = MSO_LANGUAGE_ID.SWEDISH


ChartFrame = tuple
"""A chart the deck's skeleton draws (:func:`_skeleton`), hashable, its first item the kind:
``("position", cells, cuts)`` (the cells and cuts, no organisation's point),
``("radar", categories)``, ``("trend", series)`` (the chart's shape, no data) or
``BARS_FRAME``."""


def _position_frame(view: dict[str, Any], cuts: tuple[float, float]) -> ChartFrame | None:
    """The position slide's chart in the skeleton when the view has cells (many
    organisations: the same chart for every organisation of the year), else ``None`` (each
    organisation's own scatter, :func:`_quadrant_slide`)."""
    cells = view["series"]["quadrant_cells"]
    if not cells:
        return None
    return ("position", tuple(tuple(cell) for cell in cells), tuple(cuts))


def _radar_frame(view: dict[str, Any]) -> ChartFrame | None:
    """The radar slide's chart in the skeleton: when a category has a value (else the slide
    has no chart)."""
    cats = view["categories"]
    if cats and any(c["value"] is not None for c in cats):
        return ("radar", len(cats))
    return None


BARS_FRAME: ChartFrame = ("bars",)
"""The response rate slide's and the "vet ej" slide's bar chart in the skeleton."""
BARS_BOX = (MARGIN, CONTENT_TOP, Inches(8.0), Inches(5.4))
"""The bar chart's place and largest size, left, top, width, height (EMU): the response
rates' always, the "vet ej" shares' narrower beside a table and lower with few groups."""


def _trend_frame(view: dict[str, Any]) -> ChartFrame:
    """The trend slide's chart in the skeleton: as many series as :func:`trend_data`'s."""
    return ("trend", len(trend_data(view["series"]["trend"], "", place=view["place"])))


def _draw_frame(slide, frame: ChartFrame) -> None:
    """Draw the skeleton's chart ``frame`` on ``slide``: the position chart of cells
    (:func:`quadrant_chart`), or the radar, trend or bar chart of :func:`placeholder_data`
    of its shape, styled as each organisation's (:func:`radar_chart`, :func:`trend_chart`,
    :func:`share_bar_chart`)."""
    kind = frame[0]
    if kind == "position":
        _, cells, (capability_cut, legacy_cut) = frame
        quadrant_chart(slide, (), capability_cut, legacy_cut, *HALF_CHART_BOX, cells=cells)
    elif kind == "radar":
        radar_chart(slide, placeholder_data(frame[1], 2), *HALF_CHART_BOX)
    elif kind == "trend":
        trend_chart(slide, placeholder_data(1, frame[1]), MARGIN, CONTENT_TOP, CONTENT_W,
                    TREND_CHART_H)
    else:
        share_bar_chart(slide, placeholder_data(1, 1, percent_number_format()), *BARS_BOX)


def _skeleton_frame(slide):
    """The chart's graphic frame the skeleton drew on ``slide`` (:func:`_draw_frame`)."""
    return next(shape for shape in slide.shapes if shape.has_chart)


def _slide_plan(view: dict[str, Any], cuts: tuple[float, float],
                ) -> list[tuple[str, ChartFrame | None, Callable[[Any], None] | None]]:
    """The slides after the title slide, in order: ``(title, frame, fill)``, where ``frame``
    is the chart the deck's skeleton (:func:`_skeleton`) draws on the slide made with that
    title (``None``: none), ``fill(slide)`` puts the organisation's content on it, and a
    ``fill`` of ``None`` marks a slide that is the same in every deck. The optional slides are
    planned when the view has their rows."""
    year = view["year"]
    plan: list[tuple[str, ChartFrame | None, Callable[[Any], None] | None]] = [
        ("Nyckeltal", None, lambda slide: _key_figures_slide(slide, view)),
        (POSITION_TITLE_SV, _position_frame(view, cuts),
         lambda slide: _quadrant_slide(slide, view, cuts)),
        (f"Kategorierna jämfört med {view['place'].name}", _radar_frame(view),
         lambda slide: _radar_slide(slide, view)),
        ("Utveckling över åren", _trend_frame(view), lambda slide: _trend_slide(slide, view)),
    ]
    if view["series"]["response_rates"]:
        plan.append((f"Svarsfrekvens per målgrupp {year}", BARS_FRAME,
                     lambda slide: _response_rate_slide(slide, view)))
    if view["series"]["dont_know_groups"]:
        plan.append((f"”Vet ej” per målgrupp {year}",
                     BARS_FRAME if _dont_know_shown(view) else None,
                     lambda slide: _dont_know_slide(slide, view)))
    if view["target_groups"]:
        plan.append((f"Resultat per målgrupp {year}", None, lambda slide: _group_slide(
            slide, view["target_groups"], "målgrupp", view["min_n"])))
    if view["departments"]:
        plan.append((f"Resultat per förvaltning {year}", None, lambda slide: _group_slide(
            slide, view["departments"], "förvaltning", view["min_n"])))
    if view["taken_care_of"]["recommendations"]:
        plan.append((f"Rekommendationer {year}", None,
                     lambda slide: _recommendations_slide(slide, view)))
    if view["taken_care_of"]["actions"]:
        plan.append(("Beslutade åtgärder och uppföljning", None,
                     lambda slide: _actions_slide(slide, view)))
    plan.append((concepts.HEADING_SV, None, None))
    plan.append(("Att läsa resultaten", None, lambda slide: _reading_slide(slide, view)))
    return plan


SKELETON_CACHE_SIZE = 64
"""Most deck skeletons kept per process by :func:`_skeleton` (one per set of slide titles,
their chart frames, source and date: a handful per snapshot, as the optional slides come
and go and the trend chart has a preliminary series or not)."""

_SKELETONS: dict[tuple[tuple[tuple[str, ChartFrame | None], ...], str, str], bytes] = {}
"""Skeletons saved so far: ``(slides, source, date)`` -> the .pptx file's bytes."""


def _footers_last(slide) -> None:
    """Move the slide's footer text boxes (:data:`FOOTER_NAME`, from the skeleton) after
    the shapes put on it since, keeping their order: the shape tree's order is the order a
    screen reader reads a slide in and that of the selection pane, so the footers come
    after the slide's content, as when they were added last. The shape tree is the slide's
    shapes' ``element`` (python-pptx's public attribute, an lxml element): the footers are
    found by their name in one XPath query and appended again to it, which moves them,
    rather than through a python-pptx shape object made for every shape of the slide."""
    tree = slide.shapes.element
    for element in tree.xpath(f"p:sp[p:nvSpPr/p:cNvPr/@name='{FOOTER_NAME}']"):
        tree.append(element)


def _skeleton(slides: tuple[tuple[str, ChartFrame | None], ...], source: str,
              date_text: str) -> bytes:
    """A deck (.pptx bytes) with what every deck of these ``slides`` (``(title, frame)``,
    :func:`_slide_plan`) has in common, made once per process for each ``(slides, source,
    date_text)``: the 16:9 slide size, the title slide's placed placeholders, one slide per
    title with its title (:func:`_content_slide`) and its chart ``frame``, if any
    (:func:`_draw_frame`: the position chart of cells, its some 40 circles, sizes and
    counts' labels the same for every organisation of the year; the radar and the trend
    chart styled, without data), every slide's notes page, the "Begrepp" slide's content
    (``concepts.py``) and every slide's footer (:func:`_footer`: ``source``, ``date_text``
    and ``n / N``). :func:`build_deck` opens a copy, puts each organisation's data in the
    charts (python-pptx's ``Chart.replace_data``, which keeps their formatting) and its
    texts, tables and other charts on the slides, which costs a fraction of making the
    slides, notes pages, footers and charts through python-pptx for every deck."""
    key = (slides, source, date_text)
    blob = _SKELETONS.get(key)
    if blob is None:
        prs = Presentation()
        prs.slide_width = SLIDE_W
        prs.slide_height = SLIDE_H
        _title_slide(prs).notes_slide  # noqa: B018 - makes the slide's notes page
        for title, frame in slides:
            slide = _content_slide(prs, title)
            slide.notes_slide  # noqa: B018
            if title == concepts.HEADING_SV:
                _concepts_slide(slide)
            if frame is not None:
                _draw_frame(slide, frame)
        for number, slide in enumerate(prs.slides, start=1):
            _footer(slide, source, date_text, number, len(prs.slides))
        buffer = io.BytesIO()
        prs.save(buffer)
        blob = buffer.getvalue()
        if len(_SKELETONS) >= SKELETON_CACHE_SIZE:
            _SKELETONS.clear()
        _SKELETONS[key] = blob
    return blob


def build_deck(
    view: dict[str, Any],
    path: Path,
    *,
    created: dt.datetime | None = None,
    snapshot_id: str = "",
    cuts: tuple[float, float] = (50.0, 50.0),
) -> Path:
    """Write the deck for one organisation's view (``views.organisation_view``) to ``path``.

    ``created`` (the snapshot's time) is the date in the footer and the deck's
    created/modified time, so the same snapshot gives the same deck; ``snapshot_id`` is
    named in the footer's source and the title slide's notes; ``cuts`` are the quadrant
    cuts (capability, legacy) drawn in the position chart. The deck is a copy of the
    skeleton of its slides (:func:`_skeleton`, :func:`_slide_plan`) with the
    organisation's content put on each slide. Returns ``path``. Raises ``OSError`` when the
    file cannot be written.
    """
    org = view["org"]
    year = view["year"]
    review = view.get("review") or {}
    if not review.get("signed_off"):
        prelim = "preliminära resultat"
    elif review.get("meeting"):
        prelim = f"granskade resultat ({review.get('body') or 'digitaliseringsrådet'} {review['meeting']})"
    else:
        prelim = "granskade resultat"

    plan = _slide_plan(view, cuts)
    source = SOURCE_SV.format(genitive=view["place"].genitive) + f" {year}" + (f", publicering {snapshot_id}" if snapshot_id else "")
    date_text = format_date(created) if created else ""
    prs = Presentation(io.BytesIO(_skeleton(tuple((title, frame) for title, frame, _ in plan),
                                            source, date_text)))
    title_slide, *slides = prs.slides
    _fill_title_slide(
        title_slide,
        f"{org['organisation_name']} – digital mognad {year}",
        f"{view['place'].genitive.capitalize()} gemensamma mätning (DiMiOS), {prelim}\n"
        "Underlag för lokal dialog",
    )
    _notes(title_slide, NOTES_SV["title"].format(
        org=org["short_name"], genitive=view["place"].genitive, year=year,
        snapshot=snapshot_id or "–",
        prelim=review.get("text", "")).strip())
    for slide, (_title, _frame, fill) in zip(slides, plan, strict=True):
        if fill is not None:
            fill(slide)
    for slide in prs.slides:
        _footers_last(slide)

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
