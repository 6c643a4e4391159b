"""The rule that picks a stage's headline salary figure (careers.salaries.headline_band)."""

import pytest

from careers.models import PayBasis
from careers.salaries import Band, headline_band

ENTRY, SENIOR, ARCHITECT, LEAD = 1, 2, 3, 4
SF, SEATTLE, BOSTON = 10, 20, 30
BASE, TOTAL = PayBasis.BASE, PayBasis.TOTAL

# (id, stage, region, basis, position): a role with what the catalog holds in practice.
BANDS = [
    Band(id=1, stage_id=ENTRY, region_id=None, pay_basis=BASE, position=0),
    Band(id=2, stage_id=ENTRY, region_id=None, pay_basis=BASE, position=1),
    Band(id=3, stage_id=ENTRY, region_id=SF, pay_basis=TOTAL, position=0),
    Band(id=4, stage_id=ENTRY, region_id=SF, pay_basis=BASE, position=5),
    Band(id=5, stage_id=None, region_id=SF, pay_basis=BASE, position=0),
    Band(id=6, stage_id=None, region_id=None, pay_basis=BASE, position=3),
    Band(id=7, stage_id=None, region_id=None, pay_basis=TOTAL, position=0),
    Band(id=8, stage_id=SENIOR, region_id=None, pay_basis=TOTAL, position=0),
    Band(id=9, stage_id=ARCHITECT, region_id=SEATTLE, pay_basis=BASE, position=0),
    # Same position as band 1: the catalog's order falls back on the id.
    Band(id=10, stage_id=ENTRY, region_id=None, pay_basis=BASE, position=0),
]


@pytest.mark.parametrize(
    ("stage", "region", "expected", "why"),
    [
        (ENTRY, None, 1, "national base pay, first in the catalog's order (then by id)"),
        (ENTRY, SF, 4, "the region's figure for the stage, base pay before its total comp"),
        (ENTRY, BOSTON, 1, "a region without figures gets national ones"),
        (SENIOR, None, 8, "the stage's own figure, even total comp, before a role-wide one"),
        (SENIOR, SF, 8, "the stage's own national figure before the region's role-wide one"),
        (ARCHITECT, None, 6, "no figure of its own: the role-wide base figure; Seattle's never"),
        (ARCHITECT, SF, 5, "no figure of its own: the region's role-wide figure"),
        (ARCHITECT, SEATTLE, 9, "its own figure for the person's region"),
        (None, None, 6, "all stages: role-wide national base pay before total comp"),
        (None, SF, 5, "all stages: the region's role-wide figure"),
        (LEAD, BOSTON, 6, "no figure at all for the stage or region: national, role-wide"),
    ],
)
def test_it_picks_one_band_by_the_stated_rule(stage, region, expected, why):
    chosen = headline_band(BANDS, stage_id=stage, region_id=region)

    assert chosen is not None
    assert chosen.id == expected, why
    # Chosen whole, never a figure made up from several bands.
    assert any(chosen is band for band in BANDS)


def test_it_has_nothing_to_pick_without_bands():
    assert headline_band([], stage_id=ENTRY, region_id=SF) is None
    assert headline_band(BANDS[:4], stage_id=SENIOR, region_id=None) is None
