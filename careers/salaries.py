"""Which salary figure sums up a stage (`headline_band`, the one rule the role page and the
dashboard share), and what the role page shows about pay, assembled from a role's prefetched
bands without queries.

The same rows feed the chart, its "more figures" and the table, so that they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .charts import Axis, LadderBar, Marks, format_usd, ladder_axis, ladder_marks
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


class Ranked(Protocol):
    """What headline_band reads of a band: a SalaryBand or its plain Band."""

    @property
    def id(self) -> int: ...
    @property
    def stage_id(self) -> int | None: ...
    @property
    def region_id(self) -> int | None: ...
    @property
    def pay_basis(self) -> str: ...
    @property
    def position(self) -> int: ...


B = TypeVar("B", bound=Ranked)


def headline_band(bands: Iterable[B], *, stage_id: int | None, region_id: int | None) -> B | None:
    """The one band that sums up a stage's pay (stage_id None: the role's, "all stages"), for a
    person in the region region_id (None: national figures only); None when there is none.

    The candidates are the stage's own bands and the role-wide ones (a role-wide band stands
    for every stage), national or of that region; other regions' bands never count. The first
    of them in this order wins:

    1. the most specific source: a band of this stage before a role-wide band, which describes
       all stages together and so says less about any one of them (a role-wide band heads a
       stage only when the stage has no figure of its own);
    2. the person's region before national: a region's figure is used whenever the region has
       one for the stage, national figures only when it has none;
    3. base pay before total compensation (which adds bonuses and stock, and is not what an
       offer's salary line says);
    4. the catalog's order (the band's position, then its id): the order the editor gave them.

    A band is chosen whole: figures are never averaged or merged into one that no source states.
    """
    candidates = [
        band
        for band in bands
        if band.stage_id in (stage_id, None) and band.region_id in (region_id, None)
    ]
    return min(
        candidates,
        key=lambda band: (
            band.stage_id != stage_id,
            band.region_id != region_id,
            band.pay_basis != PayBasis.BASE,
            band.position,
            band.id,
        ),
        default=None,
    )


# Longer notes stay in the table; the chart only has room for a short qualifier.
NOTE_MAX = 60


def short_note(note: str) -> str:
    """A note's first clause, for the chart; the table keeps the whole note."""
    cut = len(note)
    for mark in (". ", "; ", " (", ": "):
        at = note.find(mark)
        if 0 < at < cut:
            cut = at
    short = note[:cut].rstrip(".")
    if len(short) > NOTE_MAX:
        short = short[: NOTE_MAX - 1].rstrip(" ,") + "\u2026"
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
class BandRow:
    """One band as the page shows it, in the chart, its "more figures" and the table."""

    band: SalaryBand
    stage_label: str
    region_label: str

    @property
    def is_total(self) -> bool:
        return self.band.pay_basis == PayBasis.TOTAL

    @property
    def figure(self) -> str:
        return band_figure(self.band)

    @property
    def basis_label(self) -> str:
        return "total compensation" if self.is_total else "base pay"

    @property
    def note(self) -> str:
        return short_note(self.band.note)

    @property
    def bar(self) -> LadderBar:
        band = self.band
        return LadderBar(
            low=band.low,
            high=band.high,
            midpoint=band.midpoint,
            p10=band.p10,
            p90=band.p90,
            tone="region" if band.region_id else "national",
            basis=band.pay_basis,
        )


@dataclass(frozen=True)
class GlanceRow:
    """One row of the chart: a stage (or "All stages"), its headline band and the rest."""

    label: str
    headline: BandRow | None
    more: list[BandRow]
    marks: Marks | None
    # The headline is a role-wide band standing in for a stage with none of its own in front.
    role_wide: bool = False


@dataclass(frozen=True)
class SalaryView:
    has_bands: bool
    regions: list[Region]
    region: Region | None
    # Every figure shown (national, and the region's), for the table.
    rows: list[BandRow]
    glance: list[GlanceRow]
    axis: Axis | None
    years: list[int]

    @property
    def region_label(self) -> str:
        return self.region.name if self.region else NATIONAL_LABEL

    @property
    def has_total(self) -> bool:
        return any(row.headline is not None and row.headline.is_total for row in self.glance)

    @property
    def has_region(self) -> bool:
        return any(row.headline is not None and row.headline.band.region_id for row in self.glance)

    @property
    def years_label(self) -> str:
        return " and ".join(str(year) for year in self.years)


def _band_order(band: SalaryBand) -> tuple[bool, bool, int, int]:
    # National before regional, base pay before total compensation, then the catalog's order.
    return (band.region_id is not None, band.pay_basis != PayBasis.BASE, band.position, band.pk)


def salary_view(
    bands: Sequence[SalaryBand], stages: Sequence[Stage], region_slug: str
) -> SalaryView:
    """Bands of the given stages (in that order) and role-wide ones; national plus one region.

    The chart has a row per stage with its headline_band, and one for all stages when the role
    has role-wide bands; a region the role has no figures for shows national figures alone.
    """
    regions = sorted(
        {band.region for band in bands if band.region is not None}, key=lambda r: r.name
    )
    region = next((r for r in regions if r.slug == region_slug), None)
    region_id = region.pk if region is not None else None
    shown = [band for band in bands if band.region_id in (None, region_id)]

    def rows_of(stage_id: int | None, label: str) -> list[BandRow]:
        own = sorted((b for b in shown if b.stage_id == stage_id), key=_band_order)
        return [
            BandRow(
                band=band,
                stage_label=label,
                region_label=band.region.name if band.region is not None else NATIONAL_LABEL,
            )
            for band in own
        ]

    groups: list[tuple[int | None, str]] = [(stage.pk, stage.title) for stage in stages]
    role_wide = rows_of(None, ALL_STAGES_LABEL)
    if role_wide:
        groups.append((None, ALL_STAGES_LABEL))

    table: list[BandRow] = []
    drafts: list[tuple[str, BandRow | None, list[BandRow], bool]] = []
    by_band = {row.band.pk: row for row in role_wide}
    for stage_id, label in groups:
        own = rows_of(stage_id, label) if stage_id is not None else role_wide
        if stage_id is not None:
            table.extend(own)
        by_band.update((row.band.pk, row) for row in own)
        chosen = headline_band(shown, stage_id=stage_id, region_id=region_id)
        headline = by_band[chosen.pk] if chosen is not None else None
        more = [row for row in own if row is not headline]
        drafts.append((label, headline, more, chosen is not None and chosen.stage_id != stage_id))
    table.extend(role_wide)

    axis = ladder_axis([headline.bar for _, headline, _, _ in drafts if headline is not None])
    glance = [
        GlanceRow(
            label=label,
            headline=headline,
            more=more,
            marks=ladder_marks(headline.bar, axis) if headline and axis else None,
            role_wide=role_wide_stands_in,
        )
        for label, headline, more, role_wide_stands_in in drafts
    ]
    return SalaryView(
        has_bands=bool(bands),
        regions=regions,
        region=region,
        rows=table,
        glance=glance,
        axis=axis,
        years=sorted({row.band.year for row in table}),
    )
