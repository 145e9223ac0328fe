"""Charts as server-side SVG (pygal, ADR 0006): no JavaScript, and every chart has its table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#57606a",
    colors=("#0b57d0", "#b3261e", "#1a7f37", "#9a6700", "#6f42c1"),
    font_family="system-ui, sans-serif",
)


# pygal always writes its configuration into an inline <script> for its optional tooltips; the
# pages use none, and a strict Content-Security-Policy would refuse it anyway.
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


@dataclass(frozen=True)
class Chart:
    """A chart and the same numbers as a table (columns: the label, then one per series)."""

    title: str
    svg: SafeString
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _config(
    title: str, kind: type[pygal.graph.graph.Graph], **options: object
) -> pygal.graph.graph.Graph:
    return kind(
        title=title,
        style=STYLE,
        js=(),  # no script: the SVG is static and the page works without JavaScript
        disable_xml_declaration=True,
        explicit_size=False,
        width=800,
        height=360,
        legend_at_bottom=True,
        x_label_rotation=30,
        truncate_label=-1,
        print_values=False,
        **options,
    )


def _cell(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}".replace(",", "\u202f")


def chart(
    title: str,
    label_name: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    kind: str = "bar",
    percent: bool = False,
) -> Chart:
    graph_kind = {"bar": pygal.Bar, "line": pygal.Line, "hbar": pygal.HorizontalBar}[kind]
    graph = _config(title, graph_kind)
    if percent:
        graph.value_formatter = lambda value: f"{value:.0%}" if value is not None else "—"
    graph.x_labels = list(labels)
    for name, values in series.items():
        graph.add(name, list(values))
    svg = SCRIPT.sub("", graph.render(is_unicode=True))
    rows = tuple(
        (label, *(_cell(values[index], percent) for values in series.values()))
        for index, label in enumerate(labels)
    )
    # pygal builds the SVG with an XML library from our own numbers and catalogue names,
    # escaping every text node.
    return Chart(title, mark_safe(svg), (label_name, *series), rows)  # noqa: S308
