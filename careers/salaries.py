"""What the role page shows about pay, assembled from a role's prefetched bands without queries.

The same rows feed the chart and the table, so that the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .charts import LadderBar, LadderChart, format_usd, ladder_chart
from .models import (
    NATIONAL_LABEL,
    MidpointKind,
    OutlookFact,
    PayBasis,
    Region,
    SalaryBand,
    Source,
    Stage,
)

ALL_STAGES_LABEL = "All stages"


@dataclass(frozen=True)
class Band:
    """A salary band as plain values with its source's title: what the dashboard keeps of a
    role's bands, cached by catalog version, and what the salary rules (tracker.progress) read."""

    id: int
    stage_id: int | None
    region_id: int | None
    pay_basis: str = PayBasis.BASE
    position: int = 0
    low: int | None = None
    high: int | None = None
    midpoint: int | None = None
    midpoint_kind: str = ""
    p10: int | None = None
    p90: int | None = None
    year: int | None = None
    source_title: str = ""
    section: str = ""
    note: str = ""

    @classmethod
    def of(cls, band: SalaryBand) -> Band:
        return cls(
            id=band.pk,
            stage_id=band.stage_id,
            region_id=band.region_id,
            pay_basis=band.pay_basis,
            position=band.position,
            low=band.low,
            high=band.high,
            midpoint=band.midpoint,
            midpoint_kind=band.midpoint_kind,
            p10=band.p10,
            p90=band.p90,
            year=band.year,
            source_title=band.source.title,
            section=band.section,
            note=band.note,
        )


# Longer notes stay in the table; the chart only has room for a short qualifier.
CHART_NOTE_MAX = 40


@dataclass(frozen=True)
class BandRow:
    band: SalaryBand
    stage_label: str
    region_label: str
    group: str

    @property
    def is_total(self) -> bool:
        return self.band.pay_basis == PayBasis.TOTAL

    @property
    def figure(self) -> str:
        return band_figure(self.band)

    def chart_bar(self) -> LadderBar:
        band = self.band
        qualifiers = []
        if band.region_id:
            qualifiers.append(self.region_label)
        if self.is_total:
            qualifiers.append("total comp")
        if band.note:
            qualifiers.append(short_note(band.note))
        return LadderBar(
            label=" \u00b7 ".join(qualifiers),
            figure=self.figure,
            group=self.group,
            group_label=self.stage_label,
            low=band.low,
            high=band.high,
            midpoint=band.midpoint,
            p10=band.p10,
            p90=band.p90,
            tone="region" if band.region_id else "national",
            basis=band.pay_basis,
        )


def short_note(note: str) -> str:
    """A note's first clause, for the chart; the table keeps the whole note."""
    cut = len(note)
    for mark in (". ", "; ", " (", ": "):
        at = note.find(mark)
        if 0 < at < cut:
            cut = at
    short = note[:cut].rstrip(".")
    if len(short) > CHART_NOTE_MAX:
        short = short[: CHART_NOTE_MAX - 1].rstrip(" ,") + "\u2026"
    return short


def midpoint_kind_label(kind: str) -> str:
    return MidpointKind(kind).label if kind in MidpointKind.values else kind


def band_figure(band: SalaryBand | Band) -> str:
    """The band in a few words, as a person would say it: "$132,326 to $181,999" with a dash.

    Takes a SalaryBand or its plain Band.
    """
    main = [f for f in (band.low, band.midpoint, band.high) if f is not None]
    if len(set(main)) >= 2:
        return f"{format_usd(min(main))} \u2013 {format_usd(max(main))}"
    if band.midpoint is not None:
        return f"{format_usd(band.midpoint)} {midpoint_kind_label(band.midpoint_kind).lower()}"
    if band.high is not None:
        return f"up to {format_usd(band.high)}"
    if band.low is not None:
        return f"from {format_usd(band.low)}"
    if band.p10 is not None and band.p90 is not None:
        return f"{format_usd(band.p10)} \u2013 {format_usd(band.p90)} (10th\u201390th percentile)"
    if band.p10 is not None:
        return f"10th percentile {format_usd(band.p10)}"
    return f"90th percentile {format_usd(band.p90)}"


@dataclass(frozen=True)
class CitedSource:
    source: Source
    sections: list[str] = field(default_factory=list)


def cited_sources(
    bands: Iterable[SalaryBand], facts: Iterable[OutlookFact] = ()
) -> list[CitedSource]:
    """Every document, with its sections, that a figure on the page comes from, in page order."""
    cited: dict[int, CitedSource] = {}
    items: list[SalaryBand | OutlookFact] = [*bands, *facts]
    for item in items:
        entry = cited.setdefault(item.source_id, CitedSource(source=item.source))
        if item.section and item.section not in entry.sections:
            entry.sections.append(item.section)
    return list(cited.values())


@dataclass(frozen=True)
class SalaryView:
    has_bands: bool
    regions: list[Region]
    region: Region | None
    rows: list[BandRow]
    chart: LadderChart | None
    years: list[int]

    @property
    def region_label(self) -> str:
        return self.region.name if self.region else NATIONAL_LABEL

    @property
    def has_total(self) -> bool:
        return any(row.is_total for row in self.rows)

    @property
    def years_label(self) -> str:
        return " and ".join(str(year) for year in self.years)

    @property
    def chart_description(self) -> str:
        figures = [f for row in self.rows for f in row.chart_bar().all_figures]
        if not figures:
            return ""
        where = f"national and {self.region.name}" if self.region else "national"
        return (
            f"Yearly pay, {where}, for each stage of the role and for all stages together: "
            f"{len(self.rows)} figures from {format_usd(min(figures))} to "
            f"{format_usd(max(figures))}. The table after the chart lists every figure "
            "with its source."
        )


def _band_order(band: SalaryBand) -> tuple[bool, bool, int, int]:
    # National before regional, base pay before total compensation, then the catalog's order.
    return (band.region_id is not None, band.pay_basis != PayBasis.BASE, band.position, band.pk)


def salary_view(
    bands: Sequence[SalaryBand], stages: Sequence[Stage], region_slug: str
) -> SalaryView:
    """Bands of the given stages (in that order) and role-wide ones; national plus one region.

    A region the role has no figures for shows national figures alone.
    """
    regions = sorted(
        {band.region for band in bands if band.region is not None}, key=lambda r: r.name
    )
    region = next((r for r in regions if r.slug == region_slug), None)
    shown = [
        band
        for band in bands
        if band.region_id is None or (region is not None and band.region_id == region.pk)
    ]

    rows: list[BandRow] = []
    groups: list[tuple[str, str, list[SalaryBand]]] = [
        (f"stage-{stage.pk}", stage.title, [b for b in shown if b.stage_id == stage.pk])
        for stage in stages
    ]
    groups.append(("all", ALL_STAGES_LABEL, [b for b in shown if b.stage_id is None]))
    for group, label, group_bands in groups:
        for band in sorted(group_bands, key=_band_order):
            region_label = band.region.name if band.region is not None else NATIONAL_LABEL
            rows.append(
                BandRow(band=band, stage_label=label, region_label=region_label, group=group)
            )

    return SalaryView(
        has_bands=bool(bands),
        regions=regions,
        region=region,
        rows=rows,
        chart=ladder_chart([row.chart_bar() for row in rows]),
        years=sorted({row.band.year for row in rows}),
    )
