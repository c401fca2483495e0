"""Charts for the reports and PDFs, rendered with matplotlib to inline SVG.

Every chart function returns a ``Chart`` holding the figure as SVG text (no XML prolog,
ready to inline; text kept as ``<text>`` elements, which matplotlib's SVG writer
XML-escapes). The slide decks draw their own native charts (``slides.py``). Matplotlib's object API is used (``Figure``, not
``pyplot``), so nothing global is touched and no display is needed. Math text is turned
off, so a ``$`` in an organisation name is drawn as a dollar sign.

Scales: all indices are 0–100 (domain doc, scoring method §2–5); the quadrant chart is zoomed
to its points and draws the cuts given by ``quadrant_types`` (dbt vars
``quadrant_capability_cut`` / ``quadrant_legacy_cut``) where they fall inside it.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from markupsafe import escape
from matplotlib.figure import Figure

from pipelines.reports.data import COUNTY_POPULATION, COUNTY_SCALE
from pipelines.reports.formatting import format_int, format_number

ORG_COLOUR = "#1f5fa8"
COUNTY_COLOUR = "#c0504d"
OTHER_COLOUR = "#9aa5b1"
BAND_ALPHA = 0.18

RC = {
    "svg.fonttype": "none",  # real <text>, searchable and selectable, escaped by matplotlib
    "text.parse_math": False,  # a "$" in data is a dollar, not math
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "svg.image_inline": True,
    "figure.autolayout": False,  # figures without a layout engine stay without one
    "figure.constrained_layout.use": False,
}


@dataclass(frozen=True)
class Chart:
    """One rendered chart: inline SVG markup and a text alternative."""

    svg: str
    alt: str

    def as_image(self) -> Chart:
        """The same chart as an ``<svg>`` with this one's root attributes (size, viewBox,
        role, label) that draws this SVG as its one ``<image>`` (a base64 ``data:`` URI),
        for the PDFs. WeasyPrint cascades the page's stylesheet over every element of an
        inline SVG (some 170 per chart, nearly half of an organisation's PDF); an
        image's elements are the image's own. The box is the inline SVG's (same element,
        same attributes, same CSS rules), and the drawing is the same SVG, text still text.
        Raises ``ValueError`` when the SVG's root has no ``viewBox``."""
        root = self.svg[: self.svg.index(">") + 1] if self.svg.startswith("<svg") else ""
        viewbox = re.search(r'\sviewBox="([^"]*)"', root)
        box = viewbox.group(1).replace(",", " ").split() if viewbox else []
        if len(box) != 4:
            raise ValueError(f"chart {self.alt!r}: its SVG root has no viewBox: {root[:200]!r}")
        width, height = box[2:]
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return Chart(svg=f'{root}<image width="{width}" height="{height}" '
                         f'href="data:image/svg+xml;base64,{data}"/></svg>', alt=self.alt)


LABEL_MAX = 28
"""Longest organisation label drawn in a chart; longer names end in "…" (tables show all)."""

MAX_LABELLED_POINTS = COUNTY_SCALE
"""A scatter with more points than this names only the highlighted ones: the others are the
distribution the organisation is seen among (a county has 14 organisations, the country
about 1,500; placing every label is quadratic in the points and unreadable)."""
MAX_BARS = COUNTY_SCALE
"""Above this many organisations the overview shows the distribution of the index
(histogram) instead of one bar each."""
MAX_PANELS = COUNTY_SCALE
"""Above this many organisations the overview's trend shows the organisations' spread per
year (median and 10th–90th percentile band) instead of one small panel each."""


def _short(text: str, limit: int = LABEL_MAX) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _none(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _render(fig: Figure, salt: str, alt: str) -> Chart:
    """Save ``fig`` as SVG (deterministic ids salted by ``salt``, prefixed by it as
    :func:`_labelled` says)."""
    return _labelled(_svg(fig, salt), alt, salt)


def _svg(fig: Figure, salt: str) -> str:
    """``fig`` as SVG text from its ``<svg`` root on (deterministic ids salted by ``salt``)."""
    svg_buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(svg_buf, format="svg", metadata={"Date": None})
    svg = svg_buf.getvalue()
    return svg[svg.index("<svg") :]


CHART_SALT = re.compile(r"[^\W\d][\w-]*")
"""What a chart's ``salt`` must be: a letter, then letters, digits, ``_`` or ``-``, so that
``<salt>-<id>`` is an id an HTML page, an SVG and a ``url(#…)`` take as it is."""

_ID_OR_REFERENCE = re.compile(r'( id="|url\(#| xlink:href="#)(?=[^<>]*>)')
"""Where an SVG written by matplotlib names an element's id: an ``id`` attribute, a
``url(#…)`` (clip paths) or an ``xlink:href="#…"`` (markers), always inside a tag (matplotlib
writes one space before each attribute). Matplotlib escapes ``<`` and ``>`` in attribute
values and texts, so the next of them after a match in a tag is its ``>``, and a label's text
(``id="x"`` in an organisation's name) is never matched."""


def _ids_prefixed(svg: str, prefix: str) -> str:
    """``svg`` (matplotlib's) with every element id and every reference to one prefixed by
    ``prefix`` (no backslash in it; :data:`CHART_SALT` has none): the drawing is the same, its ids its own."""
    return _ID_OR_REFERENCE.sub(rf"\g<1>{prefix}", svg)


def _labelled(svg: str, alt: str, salt: str) -> Chart:
    """The chart of ``svg`` with ``alt`` as its root's text alternative (``role="img"``) and
    its ids prefixed by ``<salt>-``.

    Matplotlib numbers its groups' ids per figure (``figure_1``, ``axes_1``, ``line2d_1``) and
    a shared frame's clip paths and markers have the frame's fixed salt, so two charts inlined
    in one page would share ids: invalid HTML, and a ``url(#…)`` resolves to the page's first
    element of the id, maybe another chart's clip path. A page's charts have salts of their
    own (``views``), so their ids are the page's one each. Raises ``ValueError`` when ``salt``
    is not :data:`CHART_SALT`."""
    if not CHART_SALT.fullmatch(salt):
        raise ValueError(f"chart {alt!r}: salt {salt!r} is not a letter then letters, digits, "
                         "'_' or '-'")
    svg = _ids_prefixed(svg, f"{salt}-")
    return Chart(svg=svg.replace("<svg", f'<svg role="img" aria-label="{escape(alt)}"', 1),
                 alt=alt)


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


LAYOUT_CACHE_SIZE = 256
"""Most axes layouts kept per process by :func:`_lay_out` (a few per chart kind and year
span: at national scale every organisation's chart of a kind shares one)."""

_LAYOUTS: dict[tuple, list] = {}
"""Constrained layouts computed so far: layout key -> each axes' position (figure fractions)."""


def _extent_key(fig: Figure, *artists) -> tuple:
    """Width and height (pixels, to 0.01) of each of ``artists`` (texts, legends): the part
    of a layout key for artists whose size differs between charts of one kind."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    return tuple(
        (round(box.width, 2), round(box.height, 2))
        for box in (artist.get_window_extent(renderer) for artist in artists)
    )


def _lay_out(fig: Figure, key: tuple) -> None:
    """Place the axes of ``fig`` (made by :func:`_new_figure`) where constrained layout puts
    them, computing that layout once per ``key``, and freeze it (no layout engine).

    ``key`` must name everything outside the axes that the layout makes room for (figure
    size, tick labels, axis labels, legends); artists inside the axes do not move the
    layout. Constrained layout measures every artist of the figure, about a third of a
    chart's drawing time; the charts of 1,500 organisations share a handful of layouts.
    Constrained layout measures the texts with the Agg renderer at the figure's resolution
    (as :func:`_place_labels` does), so a chart looks as under constrained layout; the SVG
    writer's own text metrics can put an axes edge about a pixel away from where a layout
    run while writing the SVG would."""
    positions = _LAYOUTS.get(key)
    if positions is None and fig.get_layout_engine() is None:
        raise _NewLayout(key)
    if positions is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        fig.get_layout_engine().execute(fig)
        positions = [ax.get_position(original=True).frozen() for ax in fig.axes]
        if len(_LAYOUTS) >= LAYOUT_CACHE_SIZE:
            _LAYOUTS.clear()
        _LAYOUTS[key] = positions
    else:
        for ax, position in zip(fig.axes, positions, strict=True):
            ax.set_position(position)
    # no layout engine at all (RC turns autolayout off): with one, even "none", savefig
    # draws the whole figure once more before writing it, for a layout already done
    fig.set_layout_engine(None)


FRAME_CACHE_SIZE = 32
"""Most chart frames kept per process by :func:`_on_frame` (one per chart kind and what its
frame shows: axis limits, category names, years; a handful at national scale)."""

_FRAMES: dict[tuple, tuple] = {}
"""Frames drawn so far: frame key -> ``(figure, axes, *extras)`` of the chart kind."""


class _NewLayout(Exception):
    """A reused frame met a layout key whose layout is not computed yet: its axes were
    placed by hand (``set_position``), so no layout engine can measure them again."""


def _on_frame(key: tuple, build, draw) -> Chart:
    """``draw(fig, ax, *extras)`` on the frame ``key``: a figure with everything every chart
    of that key shows (figure size, axes, limits, ticks, axis labels, fixed lines and texts),
    made by ``build()`` (returning ``(fig, ax, *extras)``) the first time and reused by the
    next chart of the key in this process. What ``draw`` adds to the axes (the
    organisation's lines, markers, labels, legend) is removed again after it, so the frame
    is as ``build`` left it for the next chart.

    Making a figure, its axes and their ticks is about a third of a chart's drawing; the
    1,500 organisations of a national snapshot share a handful of frames. A chart drawn on
    a reused frame is byte for byte the chart drawn on a new one
    (``tests/reports/test_reports_scale.py``). When ``draw`` needs a layout not computed yet
    (:func:`_lay_out`), the chart is drawn on a new frame, which computes it. A frame in
    use is out of the cache, so a chart drawn meanwhile (another thread) gets its own."""
    for _attempt in range(2):
        frame = _FRAMES.pop(key, None)
        reused = frame is not None
        if frame is None:
            frame = build()
        ax = frame[1]
        children = {id(artist) for artist in ax.get_children()}
        containers = {id(container) for container in ax.containers}
        try:
            chart = draw(*frame)
        except _NewLayout:
            if not reused:
                raise
            continue
        finally:
            for container in [c for c in ax.containers if id(c) not in containers]:
                container.remove()
            for artist in ax.get_children():
                if id(artist) not in children:
                    artist.remove()
        if len(_FRAMES) >= FRAME_CACHE_SIZE:
            _FRAMES.clear()
        _FRAMES[key] = frame
        return chart
    raise AssertionError(f"chart frame {key!r}: no layout on a new frame")


ZOOM_MARGIN = 0.12
"""Room around the points of a position chart, as a share of their spread on each axis (on
each side), so labels fit beside the outermost points."""
ZOOM_MIN_SPAN = 20.0
"""Narrowest view of a position chart's axis (index points): points close together are not
blown up into a misleading spread."""
ZOOM_STEP = 5.0
"""A position chart's axis limits are whole multiples of this (index points)."""


def zoom_limits(values: Sequence[float]) -> tuple[float, float]:
    """Axis limits of a position chart fitted to ``values`` (0–100 indices, at least one):
    their range widened by ``ZOOM_MARGIN`` of it on each side, to at least
    ``ZOOM_MIN_SPAN`` around its middle, out to multiples of ``ZOOM_STEP``, within 0–100.

    The county's organisations lie in a band of the 0–100 square (the sample 2020: capability
    42–71, legacy 38–75); drawn on the whole square their labels crowd together. The cuts between the
    types are drawn when inside these limits (:func:`quadrant_chart`)."""
    low, high = min(values), max(values)
    margin = (high - low) * ZOOM_MARGIN
    low, high = low - margin, high + margin
    if high - low < ZOOM_MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - ZOOM_MIN_SPAN / 2, middle + ZOOM_MIN_SPAN / 2
    low = max(0.0, math.floor(low / ZOOM_STEP) * ZOOM_STEP)
    high = min(100.0, math.ceil(high / ZOOM_STEP) * ZOOM_STEP)
    if high - low < ZOOM_MIN_SPAN:  # against an end of the scale: widen inwards
        if low == 0.0:
            high = ZOOM_MIN_SPAN
        else:
            low = 100.0 - ZOOM_MIN_SPAN
    return low, high


POSITION_CELL = 10.0
"""Side of a cell of a position chart with more than ``MAX_LABELLED_POINTS`` organisations
(index points on both axes; the cells start at 0, so cuts on a multiple of it, as the default
50, are cell edges). The country's 1,500 organisations fall in about 30 cells."""

CELL_MARKER_MAX = 0.9
CELL_MARKER_MIN = 0.32
"""Diameter of a cell's circle in a position chart with many organisations, as a share of
the cell's side: the fullest cell's circle is ``CELL_MARKER_MAX`` of it, the others' area in
proportion to their count (:func:`cell_diameters`), none smaller than ``CELL_MARKER_MIN`` so
its count stays legible inside it."""

CELLS_LEGEND_SV = "Cirklarna: antal organisationer i rutan ({cell} × {cell} indexpunkter)"
"""What the circles of a position chart with many organisations are (the chart's own
legend line; the page's caption and the deck's notes say more)."""


def position_cells(
    points: Sequence[tuple[str, float | None, float | None, bool]],
) -> list[tuple[float, float, int]]:
    """The distribution a position chart shows instead of one mark per organisation when it
    has more than ``MAX_LABELLED_POINTS`` points with both indices; ``[]`` at or below that
    (a county's chart keeps every organisation as a named point).

    ``points`` as :func:`quadrant_chart`'s; those with a missing index are left out, the
    highlighted ones counted like the others, so every organisation's chart of one year has
    the same cells. Returns ``(capability, legacy, count)`` per cell of ``POSITION_CELL``
    index points holding at least one organisation, at the cell's centre, ordered by
    capability then legacy; an index of exactly 100 is in the top cell."""
    shown = [(cx, ly) for _l, cx, ly, _h in points if not (_none(cx) or _none(ly))]
    if len(shown) <= MAX_LABELLED_POINTS:
        return []
    top = math.ceil(100 / POSITION_CELL) - 1
    counts = Counter(
        (min(int(cx // POSITION_CELL), top), min(int(ly // POSITION_CELL), top))
        for cx, ly in shown
    )
    return [((i + 0.5) * POSITION_CELL, (j + 0.5) * POSITION_CELL, n)
            for (i, j), n in sorted(counts.items())]


def cell_diameters(cells: Sequence[tuple[float, float, int]]) -> list[float]:
    """Each cell's circle diameter as a share of the cell's side: area in proportion to the
    count, the fullest ``CELL_MARKER_MAX``, none below ``CELL_MARKER_MIN``."""
    fullest = max((n for _x, _y, n in cells), default=1)
    return [max(CELL_MARKER_MIN, CELL_MARKER_MAX * math.sqrt(n / fullest))
            for _x, _y, n in cells]


QUADRANT_CORNERS = {"A": (0, 0), "B": (0, 1), "C": (1, 0), "D": (1, 1)}
"""Where each type lies (0: below the cut, 1: at or above it; capability, legacy): A = low
capability and limiting legacy, B = low capability and enabling legacy, C = high capability
and limiting legacy, D = both high (domain doc; dbt model maturity_by_organisation)."""


def quadrant_chart(
    points: Sequence[tuple[str, float, float, bool]],
    *,
    capability_cut: float,
    legacy_cut: float,
    quadrant_names: dict[str, str],
    salt: str,
    title: str = "",
    others_colour: str = OTHER_COLOUR,
    cells: Sequence[tuple[float, float, int]] | None = None,
) -> Chart:
    """Capability (x) × legacy (y) scatter of 0–100 indices, zoomed to the points
    (:func:`zoom_limits`), with dashed lines at the cuts that fall inside the view.

    ``points``: ``(label, capability_index, legacy_index, highlight)``; points with a missing
    index are left out. Highlighted points are drawn large in the organisation colour, the
    others small in ``others_colour`` (grey by default). ``quadrant_names`` maps ``A``–``D``
    to the type's name, drawn in the corner of the view that lies in the type
    (``QUADRANT_CORNERS``; a type the view does not reach is not named). Without points the
    view is the whole 0–100 square.

    With more than ``MAX_LABELLED_POINTS`` points the others are not drawn one by one: the
    background is :func:`position_cells`, a grey circle per cell with the number of
    organisations in it (area in proportion), the grid on the cells' edges, and a legend line
    above the axes (``CELLS_LEGEND_SV``); only highlighted points are drawn and named.
    ``cells``: :func:`position_cells` of ``points`` when the caller has them (every
    organisation's chart of a year has the same; ``views`` makes them once a year), else
    computed here.
    """
    shown = [p for p in points if not (_none(p[1]) or _none(p[2]))]
    xlim = zoom_limits([p[1] for p in shown]) if shown else (0.0, 100.0)
    ylim = zoom_limits([p[2] for p in shown]) if shown else (0.0, 100.0)
    names = tuple(quadrant_names.get(letter, f"Typ {letter}") for letter in QUADRANT_CORNERS)
    cells = tuple(position_cells(shown) if cells is None else cells)

    def build():
        fig = _new_figure(5.6, 5.0)
        ax = fig.add_subplot()
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if cells:  # the grid on the cells' edges
            ax.set_xticks(np.arange(math.ceil(xlim[0] / POSITION_CELL) * POSITION_CELL,
                                    xlim[1] + POSITION_CELL / 2, POSITION_CELL))
            ax.set_yticks(np.arange(math.ceil(ylim[0] / POSITION_CELL) * POSITION_CELL,
                                    ylim[1] + POSITION_CELL / 2, POSITION_CELL))
            ax.set_title(CELLS_LEGEND_SV.format(cell=f"{POSITION_CELL:g}"), loc="left",
                         fontsize=8.5, color="#3c4650")
        if xlim[0] < capability_cut < xlim[1]:
            ax.axvline(capability_cut, color="#555", lw=1, ls="--")
        if ylim[0] < legacy_cut < ylim[1]:
            ax.axhline(legacy_cut, color="#555", lw=1, ls="--")
        corner_texts = []
        for name, (high_x, high_y) in zip(names, QUADRANT_CORNERS.values(), strict=True):
            # the view's corner on the type's side; named when the view reaches into the type
            x, y = xlim[high_x], ylim[high_y]
            if not ((x > capability_cut if high_x else x < capability_cut)
                    and (y > legacy_cut if high_y else y < legacy_cut)):
                continue
            corner_texts.append(
                ax.text(
                    0.98 if high_x else 0.02,
                    0.98 if high_y else 0.02,
                    name,
                    transform=ax.transAxes,
                    ha="right" if high_x else "left",
                    va="top" if high_y else "bottom",
                    fontsize=11,
                    fontweight="bold",
                    color="#6b7785",
                )
            )
        ax.set_xlabel("Digital förmåga (0–100)")
        ax.set_ylabel("Digitalt arv (0–100)")
        ax.grid(color="#e3e7eb", lw=0.6)
        return fig, ax, corner_texts

    def draw(fig, ax, corner_texts):
        plotted = [(_short(lab), cx, ly, hi) for lab, cx, ly, hi in shown]
        others = [(cx, ly) for _l, cx, ly, hi in plotted if not hi]
        if others:
            ax.scatter(
                [p[0] for p in others], [p[1] for p in others], s=26,
                color=others_colour, zorder=3, linewidths=0,
            )
        for _label, cx, ly, highlight in plotted:
            if highlight:
                ax.scatter([cx], [ly], s=70, color=ORG_COLOUR, zorder=4, edgecolor="white")
        # the layout makes room for the ticks and axis labels only (the limits and the
        # fixed axis texts); marks, corner names and point labels lie inside the axes
        _lay_out(fig, ("quadrant", xlim, ylim, False))
        # the title is the chart's text alternative; the page's heading and caption say it
        _place_labels(fig, ax, plotted, avoid=corner_texts)
        return _render(fig, salt, alt)

    alt = title or "Kvadrantdiagram: digital förmåga mot digitalt arv"
    frame = ("quadrant", xlim, ylim, capability_cut, legacy_cut, names, bool(cells))
    with matplotlib.rc_context(RC):
        if cells:
            return _cells_chart(frame + (cells, others_colour), build, cells,
                                [(_short(lab), cx, ly, hi) for lab, cx, ly, hi in shown if hi],
                                others_colour, salt, alt)
        return _on_frame(frame, build, draw)


CELLS_SALT = "quadrant-cells"
"""The SVG id salt of a position chart's shared background (:func:`_cells_chart`): fixed,
so the background is the same whichever organisation's chart made it first (its ids
prefixed per chart as :data:`FRAME_SALT`'s)."""

_BACKGROUNDS: dict[tuple, tuple] = {}
"""Position charts' backgrounds drawn so far (:func:`_cells_chart`): key -> ``(svg, axes
position, corner names' boxes)``, at most ``FRAME_CACHE_SIZE``."""


def _cells_chart(key: tuple, build, cells, marks, colour: str, salt: str, alt: str) -> Chart:
    """A position chart with many organisations: the background (``build``'s frame with
    :func:`_draw_cells`, the same for every organisation of the year) drawn to SVG once per
    ``key`` in this process, and the highlighted ``marks`` with their names drawn by
    matplotlib on a transparent figure of the same size with the same axes box and limits,
    whose SVG elements are put after the background's (so on top, in the same coordinates).

    Drawing the background's some 70 texts (ticks, counts) is most of the chart's cost; the
    marks' figure has no ticks, texts or patches of its own. Names avoid the corner names
    as in a chart drawn whole (:func:`_place_labels`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    background = _BACKGROUNDS.get(key)
    if background is None:
        fig, ax, corner_texts = build()
        _, xlim, ylim = key[:3]
        _lay_out(fig, ("quadrant", xlim, ylim, True))
        _draw_cells(fig, ax, cells, colour, xlim, ylim)
        renderer = FigureCanvasAgg(fig).get_renderer()
        corners = [text.get_window_extent(renderer).frozen() for text in corner_texts]
        background = (_svg(fig, CELLS_SALT), ax.get_position().frozen(), corners,
                      tuple(fig.get_size_inches()), xlim, ylim)
        if len(_BACKGROUNDS) >= FRAME_CACHE_SIZE:
            _BACKGROUNDS.clear()
        _BACKGROUNDS[key] = background
    svg, position, corners, size, xlim, ylim = background
    if not marks:
        return _labelled(svg, alt, salt)

    def build_marks():
        fig = Figure(figsize=size)
        fig.patch.set_visible(False)
        ax = fig.add_axes(position)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_axis_off()
        return fig, ax

    def draw_marks(fig, ax):
        for _label, cx, ly, _highlight in marks:
            ax.scatter([cx], [ly], s=70, color=ORG_COLOUR, zorder=4, edgecolor="white")
        _place_labels(fig, ax, marks, avoid=corners)
        return _svg(fig, salt)

    overlay = _on_frame(("quadrant-marks", size, tuple(position.bounds), xlim, ylim),
                        build_marks, draw_marks)
    return _labelled(_on_top(svg, overlay), alt, salt)


OVERLAY_ID_PREFIX = "top-"
"""Prefix of the ids of the layer :func:`_on_top` puts over a chart's frame: each layer is a
figure of its own, numbered from ``figure_1`` on."""


def _on_top(background: str, overlay: str) -> str:
    """The SVG ``background`` with the drawn elements of ``overlay`` (an SVG of the same
    size and coordinates, from :func:`_svg`) put after its own, so drawn on top; the
    overlay's ids prefixed by :data:`OVERLAY_ID_PREFIX`, apart from the background's."""
    overlay = _ids_prefixed(overlay, OVERLAY_ID_PREFIX)
    body = overlay[overlay.index("</metadata>") + len("</metadata>"):overlay.rindex("</svg>")]
    end = background.rindex("</svg>")
    return background[:end] + body.strip("\n") + "\n" + background[end:]


FRAME_SALT = "chart-frame"
"""The SVG id salt of a chart's frame drawn once per process (:func:`_frame_and_marks`):
fixed, so the frame is the same whichever organisation's chart drew it first (each chart's
copy then has its ids prefixed by its own salt, :func:`_labelled`)."""

_FRAME_SVGS: dict[tuple, str] = {}
"""Frames written to SVG so far (:func:`_frame_and_marks`): key -> SVG, at most
``FRAME_CACHE_SIZE``."""


def _frame_and_marks(fig: Figure, ax, marks: Sequence, key: tuple, salt: str) -> str:
    """The laid-out chart ``fig`` as SVG: its frame (everything but ``marks``: the figure's
    and axes' backgrounds, grid, ticks and their labels, axis labels) written once per
    ``key`` in this process with :data:`FRAME_SALT`, and ``marks`` (the organisation's
    artists) written on the same figure with the frame hidden and put on top
    (:func:`_on_top`). ``key`` must name everything the frame shows and where (figure size,
    axes position, tick labels).

    The frame's texts are most of a chart's SVG writing and the same for every
    organisation of a year. The axes draw their artists by zorder, then in order of
    :meth:`~matplotlib.axes.Axes.get_children`: a frame artist drawn after the first of
    ``marks`` (an axes edge over a line, a note above it) goes with the marks, so the
    layers draw everything in the order of the chart drawn whole."""
    children = [artist for artist in ax.get_children()
                if artist.get_visible() and artist is not ax.patch]
    chosen = {id(artist) for artist in marks}
    first = min((artist.get_zorder(), i) for i, artist in enumerate(children)
                if id(artist) in chosen)
    marks = [artist for i, artist in enumerate(children)
             if id(artist) in chosen or (artist.get_zorder(), i) > first]
    shown = {id(artist) for artist in marks}
    frame = _FRAME_SVGS.get(key)
    if frame is None:
        frame = _svg_without(fig, marks, FRAME_SALT)
        if len(_FRAME_SVGS) >= FRAME_CACHE_SIZE:
            _FRAME_SVGS.clear()
        _FRAME_SVGS[key] = frame
    hidden = [fig.patch] + [artist for artist in ax.get_children()
                            if artist.get_visible() and id(artist) not in shown]
    return _on_top(frame, _svg_without(fig, hidden, salt))


def _svg_without(fig: Figure, hidden: Sequence, salt: str) -> str:
    """``fig`` as SVG (:func:`_svg`) with the artists ``hidden`` left out, shown again after."""
    for artist in hidden:
        artist.set_visible(False)
    try:
        return _svg(fig, salt)
    finally:
        for artist in hidden:
            artist.set_visible(True)


def _draw_cells(fig: Figure, ax, cells: Sequence[tuple[float, float, int]], colour: str,
                xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """The cells of :func:`position_cells` on the axes of a laid-out position chart: one
    circle per cell at its centre (diameter from :func:`cell_diameters`, in points of the
    cell's shorter side on screen) with its count written in it."""
    box = ax.get_position()
    fig_w, fig_h = fig.get_size_inches()
    side_pt = 72 * min(box.width * fig_w * POSITION_CELL / (xlim[1] - xlim[0]),
                       box.height * fig_h * POSITION_CELL / (ylim[1] - ylim[0]))
    ax.scatter([c[0] for c in cells], [c[1] for c in cells],
               s=[(d * side_pt) ** 2 for d in cell_diameters(cells)],
               color=colour, alpha=0.45, linewidths=0, zorder=3)
    for cx, ly, n in cells:
        ax.text(cx, ly, format_int(n), ha="center", va="center", fontsize=7.5,
                color="#2b333b", zorder=3.5)


def _place_labels(
    fig: Figure, ax, plotted: Sequence[tuple[str, float, float, bool]], avoid=()
) -> None:
    """Label scatter points without overlaps: each label takes the first free spot among
    candidate offsets around its point (measured with the Agg renderer), with a thin leader
    line when it had to move away. Highlighted labels are placed first. The figure's layout
    must be fixed (:func:`_lay_out`) so the measured positions stay valid. ``avoid``: texts
    (or their boxes, display pixels) no label may cover."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    pad = 3.0 * fig.dpi / 72
    marker = 4.0 * fig.dpi / 72
    occupied = [t if isinstance(t, Bbox) else t.get_window_extent(renderer) for t in avoid]
    for _, cx, ly, _ in plotted:
        px, py = ax.transData.transform((cx, ly))
        occupied.append(Bbox.from_extents(px - marker, py - marker, px + marker, py + marker))
    order = sorted(plotted, key=lambda p: (not p[3], p[1], p[2]))
    for label, cx, ly, highlight in order:
        text = ax.text(
            cx,
            ly,
            label,
            ha="left",
            va="bottom",
            zorder=5,
            clip_on=False,
            bbox={
                "boxstyle": "square,pad=0.08",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.75,
            },
            fontsize=10 if highlight else 7.5,
            fontweight="bold" if highlight else "normal",
            color=ORG_COLOUR if highlight else "#3c4650",
        )
        bb = text.get_window_extent(renderer)
        w, h = bb.width, bb.height
        px, py = ax.transData.transform((cx, ly))
        gap = marker + pad * 0.5  # clear of the point's own marker
        near = [
            (gap, -h / 2),  # right, centred
            (-w - gap, -h / 2),  # left
            (gap * 0.75, gap * 0.75),  # right, above
            (gap * 0.75, -h - gap * 0.75),  # right, below
            (-w - gap * 0.75, gap * 0.75),  # left, above
            (-w - gap * 0.75, -h - gap * 0.75),  # left, below
            (-w / 2, gap),  # above
            (-w / 2, -h - gap),  # below
        ]
        far = [
            (dx, k * (h + 1))
            for k in (1.3, -2.3, 2.3, -3.3, 3.3, -4.3, 4.3, -5.3, 5.3, -6.3, 6.3)
            for dx in (gap, -w - gap)
        ]
        chosen = None
        for dx, dy in near + far:
            box = Bbox.from_bounds(px + dx, py + dy, w, h)
            inside = (
                box.x0 >= axbox.x0
                and box.x1 <= axbox.x1
                and box.y0 >= axbox.y0
                and box.y1 <= axbox.y1
            )
            if inside and not any(box.overlaps(o) for o in occupied):
                chosen = (dx, dy)
                break
        dx, dy = chosen or near[0]
        box = Bbox.from_bounds(px + dx, py + dy, w, h)
        occupied.append(box)
        tx, ty = ax.transData.inverted().transform((px + dx, py + dy))
        text.set_position((tx, ty))
        if (dx, dy) not in near:
            # leader from the point to the nearest corner of the label's box
            ex = box.x0 if dx > 0 else box.x1
            ey = box.y0 if dy > 0 else box.y1
            lx, ly2 = ax.transData.inverted().transform((ex, ey))
            ax.plot([cx, lx], [ly, ly2], color="#9aa5b1", lw=0.6, zorder=2)


def radar_chart(
    category_names: Sequence[str],
    values: Sequence[float | None],
    county_values: Sequence[float | None],
    *,
    label: str,
    salt: str,
    county_label: str = COUNTY_POPULATION.mean,
) -> Chart:
    """Spider chart of the six category indices (0–100) against the county mean.

    A missing value is drawn at the centre and its category name gets "(–)" so a gap is not
    read as a score of 0.
    """
    n = len(category_names)
    angles = [2 * math.pi * i / n for i in range(n)]
    closed = angles + angles[:1]
    names = tuple(
        f"{name} (–)" if _none(v) else name
        for name, v in zip(category_names, values, strict=True)
    )

    def series(vals):
        pts = [0.0 if _none(v) else float(v) for v in vals]
        return pts + pts[:1]

    def build():
        fig = _new_figure(5.6, 5.0)
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(math.pi / 2)  # first category at the top, then clockwise
        ax.set_theta_direction(-1)
        ax.spines["polar"].set_visible(True)
        ax.spines["polar"].set_color("#b8c0c8")
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100])
        ax.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#6b7785")
        ax.set_xticks(angles)
        ax.set_xticklabels(names, fontsize=9.5)
        ax.tick_params(axis="x", pad=8)
        ax.grid(color="#d5dbe1", lw=0.6)
        return fig, ax

    def draw(fig, ax):
        marks = ax.plot(
            closed, series(county_values), color=COUNTY_COLOUR, lw=1.5, ls="--",
            label=county_label,
        )
        marks += ax.plot(
            closed, series(values), color=ORG_COLOUR, lw=2, label=_short(label), marker="o", ms=4
        )
        marks += ax.fill(closed, series(values), color=ORG_COLOUR, alpha=BAND_ALPHA)
        legend = ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False, fontsize=9
        )
        # outside the axes: the category names and the legend below; the legend's size
        # differs by the organisation's name (accents reach higher), so it is in the key
        _lay_out(fig, ("radar", names, *_extent_key(fig, legend)))
        svg = _frame_and_marks(fig, ax, [*marks, legend],
                               ("radar", names, tuple(ax.get_position().bounds)), salt)
        return _labelled(
            svg, f"Spindeldiagram över kategorierna: {label} och {county_label.lower()}", salt
        )

    with matplotlib.rc_context(RC):
        return _on_frame(("radar", names), build, draw)


def trend_chart(
    years: Sequence[int],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    county: Sequence[float | None],
    *,
    label: str,
    preliminary: Sequence[bool],
    version_breaks: Sequence[int],
    salt: str,
    county_label: str = COUNTY_POPULATION.mean,
) -> Chart:
    """Maturity index over the years with its 95 % interval (error bars) and the county mean
    (``county``, in the legend and the text alternative as ``county_label``).

    Preliminary years get hollow markers and "prel."; ``version_breaks`` are years whose
    instrument version differs from the year before (dotted line, "ny enkätversion").
    """
    xs = list(years)
    breaks = tuple(version_breaks)

    def build():
        fig = _new_figure(6.4, 3.6)
        ax = fig.add_subplot()
        for year in breaks:
            ax.axvline(year - 0.5, color="#888", lw=1, ls=":")
            ax.text(year - 0.45, 97, "ny enkätversion", fontsize=7.5, color="#555", va="top")
        ax.set_ylim(0, 100)
        if xs:
            ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
        ax.set_xticks(xs)
        ax.set_xticklabels([str(x) for x in xs])
        ax.set_ylabel("Digital mognad (0–100)")
        ax.grid(axis="y", color="#e3e7eb", lw=0.6)
        return fig, ax

    def draw(fig, ax):
        frame = {id(artist) for artist in ax.get_children()}
        pts = [
            (x, v, lo, up, p)
            for x, v, lo, up, p in zip(xs, values, lower, upper, preliminary, strict=True)
        ]
        known = [(x, v, lo, up, p) for x, v, lo, up, p in pts if not _none(v)]
        value_labels = []  # (value, its annotation)
        if known:
            # a year without a published index breaks the line (NaN) instead of being
            # bridged: a withheld or suppressed year is not an interpolation point
            ax.plot(
                xs,
                [math.nan if _none(v) else v for v in values],
                color=ORG_COLOUR,
                lw=2,
                label=_short(label),
                zorder=3,
            )
            for x, v, lo, up, prelim in known:
                if not (_none(lo) or _none(up)):
                    ax.errorbar(
                        [x],
                        [v],
                        yerr=[[v - lo], [up - v]],
                        color=ORG_COLOUR,
                        capsize=4,
                        lw=1,
                        zorder=3,
                    )
                ax.scatter(
                    [x],
                    [v],
                    s=45,
                    zorder=4,
                    color="white" if prelim else ORG_COLOUR,
                    edgecolor=ORG_COLOUR,
                    linewidth=1.5,
                )
                value_labels.append((v, ax.annotate(
                    format_number(v) + (" prel." if prelim else ""),
                    (x, v),
                    xytext=(6, 4),
                    textcoords="offset points",
                    fontsize=8.5,
                    color=ORG_COLOUR,
                )))
        county_known = [(x, c) for x, c in zip(xs, county, strict=True) if not _none(c)]
        if county_known:
            ax.plot(
                [c[0] for c in county_known],
                [c[1] for c in county_known],
                color=COUNTY_COLOUR,
                lw=1.5,
                ls="--",
                marker="s",
                ms=3,
                label=county_label,
                zorder=2,
            )
        ax.legend(loc="best", frameon=False, fontsize=8.5)
        # outside the axes: the years, the axis label and any text near an edge: the last
        # year's value label may reach past the right edge (its size is in the key) and a
        # value above TREND_LABEL_TOP_SAFE past the top (then the value is in the key); the
        # version notes depend on their years; the legend lies inside the axes
        edge = [ann for v, ann in value_labels if v > TREND_LABEL_TOP_SAFE]
        if value_labels and known[-1][0] == xs[-1]:
            edge.append(value_labels[-1][1])
        _lay_out(fig, ("trend", tuple(xs), breaks,
                       *_extent_key(fig, *edge),
                       tuple(v for v, _ann in value_labels if v > TREND_LABEL_TOP_SAFE)))
        marks = [artist for artist in ax.get_children() if id(artist) not in frame]
        svg = _frame_and_marks(fig, ax, marks,
                               ("trend", tuple(xs), breaks, tuple(ax.get_position().bounds)),
                               salt)
        return _labelled(svg, f"Digital mognad över åren: {label} och {county_label.lower()}",
                         salt)

    with matplotlib.rc_context(RC):
        return _on_frame(("trend", tuple(xs), breaks), build, draw)


TREND_LABEL_TOP_SAFE = 90.0
"""A trend chart's value label of a value up to this (0–100) lies inside the axes (the ten
points above it are taller than the label); a higher one may reach past the top."""


INSIDE_LABEL_MIN = 15.0
"""A bar at least this long (0–100) carries its value inside, at its start; a shorter one to
the right of its interval."""


def index_bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    county_mean: float | None,
    missing_text: Sequence[str],
    salt: str,
    title: str,
    county_label: str = COUNTY_POPULATION.mean,
) -> Chart:
    """Horizontal bars of maturity index (0–100) per organisation with 95 % intervals; the
    dashed line is ``county_mean``, in the legend as ``county_label`` and its value.

    Organisations stay in register order (not sorted by value: comparisons serve dialogue,
    not a race; domain doc §7). A missing value shows ``missing_text`` instead of a bar.
    """
    with matplotlib.rc_context(RC):
        n = len(labels)
        fig = _new_figure(6.8, 0.9 + 0.36 * max(n, 1))
        ax = fig.add_subplot()
        ys = list(range(n))[::-1]
        for y, v, lo, up, miss in zip(ys, values, lower, upper, missing_text, strict=True):
            if _none(v):
                ax.text(1, y, miss, va="center", fontsize=8.5, color="#555", style="italic")
                continue
            ax.barh([y], [v], color=ORG_COLOUR, height=0.6, alpha=0.85)
            if not (_none(lo) or _none(up)):
                ax.errorbar([v], [y], xerr=[[v - lo], [up - v]], color="#222", capsize=3, lw=1)
            if v >= INSIDE_LABEL_MIN:
                # inside the bar's start, clear of the interval drawn around the bar's end
                ax.text(1.5, y, format_number(v), va="center", fontsize=8.5, color="white",
                        fontweight="bold", zorder=4)
            else:
                right = v if _none(up) else up
                ax.text(right + 1.5, y, format_number(v), va="center", fontsize=8.5, zorder=4)
        if not _none(county_mean):
            ax.axvline(
                county_mean,
                color=COUNTY_COLOUR,
                ls="--",
                lw=1.5,
                label=f"{county_label} {format_number(county_mean)}",
            )
            ax.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=8.5)
        ax.set_yticks(ys)
        ax.set_yticklabels([_short(label) for label in labels])
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlabel("Digital mognad (0–100), linjen visar 95 % konfidensintervall")
        ax.grid(axis="x", color="#e3e7eb", lw=0.6)
        return _render(fig, salt, title)


def small_multiples_chart(
    panels: Sequence[tuple[str, Sequence[int], Sequence[float | None]]],
    county: tuple[Sequence[int], Sequence[float | None]],
    *,
    salt: str,
    title: str,
    ncols: int = 4,
) -> Chart:
    """One small trend panel per organisation (maturity index 0–100 by year) with the
    county mean dashed in every panel; all panels share the axes, the years written under
    the lowest panel of each column."""
    with matplotlib.rc_context(RC):
        n = max(len(panels), 1)
        nrows = math.ceil(n / ncols)
        fig = Figure(figsize=(2.2 * ncols, 1.75 * nrows + 0.4), layout="constrained")
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        all_years = sorted({y for _, ys, _ in panels for y in ys} | set(county[0]))
        for i, ax in enumerate(axes.flat):
            if i >= len(panels):
                ax.set_visible(False)
                continue
            label, ys, vals = panels[i]
            cx = [y for y, c in zip(*county, strict=True) if not _none(c)]
            cy = [c for c in county[1] if not _none(c)]
            ax.plot(cx, cy, color=COUNTY_COLOUR, ls="--", lw=1)
            # a year without a published index breaks the line (NaN), as in trend_chart
            ax.plot(
                list(ys),
                [math.nan if _none(v) else v for v in vals],
                color=ORG_COLOUR,
                lw=1.8,
                marker="o",
                ms=3,
            )
            ax.set_title(_short(label, 24), fontsize=8.5, loc="left")
            ax.set_ylim(0, 100)
            ax.set_yticks([0, 50, 100])
            ax.grid(axis="y", color="#e3e7eb", lw=0.5)
            ax.tick_params(labelsize=7)
        if all_years:
            axes.flat[0].set_xticks(all_years)
            axes.flat[0].set_xticklabels([f"’{str(y)[-2:]}" for y in all_years])
            for ax in axes.flat:
                ax.set_xlim(all_years[0] - 0.4, all_years[-1] + 0.4)
            # the shared axis writes the years under the bottom row only: a column whose
            # last row is empty gets them under its lowest panel
            for ax in axes.flat[max(0, len(panels) - ncols):len(panels)]:
                ax.tick_params(axis="x", labelbottom=True)
        return _render(fig, salt, title)


def distribution_chart(
    values: Sequence[float | None],
    *,
    county_mean: float | None,
    salt: str,
    title: str,
) -> Chart:
    """Histogram of an index (0–100, bins of 2.5 points) over many organisations with the
    mean as a dashed line: how the organisations are spread, for more than ``MAX_BARS``."""
    with matplotlib.rc_context(RC):
        fig = _new_figure(6.8, 3.4)
        ax = fig.add_subplot()
        shown = [v for v in values if not _none(v)]
        ax.hist(shown, bins=[i * 2.5 for i in range(41)], color=ORG_COLOUR, alpha=0.85)
        if not _none(county_mean):
            ax.axvline(county_mean, color=COUNTY_COLOUR, lw=1.5, ls="--")
        ax.set_xlim(0, 100)
        ax.set_xlabel("Digital mognad (0–100)")
        ax.set_ylabel("Antal organisationer")
        ax.grid(axis="y", color="#e3e7eb", lw=0.6)
        return _render(fig, salt, title)


def spread_trend_chart(
    years: Sequence[int],
    per_year: Sequence[Sequence[float]],
    county: Sequence[float | None],
    *,
    salt: str,
    title: str,
) -> Chart:
    """Per year: the median of the organisations' index, the band from the 10th to the 90th
    percentile, and the mean (dashed): the trend of many organisations at once (more than
    ``MAX_PANELS``). A year without values is left out of the line and band."""
    import statistics

    with matplotlib.rc_context(RC):
        fig = _new_figure(6.8, 3.4)
        ax = fig.add_subplot()
        xs, med, lo, hi = [], [], [], []
        for year, vals in zip(years, per_year, strict=True):
            clean = sorted(v for v in vals if not _none(v))
            if not clean:
                continue
            deciles = statistics.quantiles(clean, n=10, method="inclusive") if len(clean) > 1 \
                else [clean[0]] * 9
            xs.append(year)
            med.append(statistics.median(clean))
            lo.append(deciles[0])
            hi.append(deciles[-1])
        ax.fill_between(xs, lo, hi, color=ORG_COLOUR, alpha=BAND_ALPHA, lw=0)
        ax.plot(xs, med, color=ORG_COLOUR, marker="o", lw=2)
        cx = [y for y, c in zip(years, county, strict=True) if not _none(c)]
        cy = [c for c in county if not _none(c)]
        ax.plot(cx, cy, color=COUNTY_COLOUR, ls="--", lw=1.5)
        ax.set_xticks(list(years))
        ax.set_ylim(0, 100)
        ax.set_ylabel("Digital mognad (0–100)")
        ax.grid(axis="y", color="#e3e7eb", lw=0.6)
        return _render(fig, salt, title)
