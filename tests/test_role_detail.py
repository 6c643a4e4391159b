import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from careers.models import Level, MidpointKind, PayBasis, SalaryBand
from tests.builders import build_catalog, build_role
from tests.factories import (
    RegionFactory,
    RoleFactory,
    SalaryBandFactory,
    StageFactory,
    StageMilestoneFactory,
    StageSkillFactory,
)
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db

# The role page, whatever the role's size (anonymous visitor, so no session queries):
#   1. the published role by slug
#   2. its current stages, each with the role it leads to (joined)
#   3. the current skills of those stages, with their skill (joined)
#   4. the current milestones of those stages
#   5. its outlook facts, with their source (joined)
#   6. all its salary bands, with stage, region and source (joined)
#   7. the published roles' names, for "Compare with"
ROLE_PAGE_QUERIES = 7
# With ?region=, first the regions the role has figures for, to know whether to show them.
REGIONS = 1


def section(html: str, element_id: str) -> str:
    """The markup of the <section id=...> on the page, so an assertion can't match elsewhere."""
    match = re.search(rf'<section id="{element_id}".*?</section>', html, re.S)
    assert match, f"no section #{element_id}"
    return match.group(0)


def chart_markup(html: str) -> str:
    match = re.search(r'<figure class="chart".*?</figure>', html, re.S)
    assert match, "no salary chart"
    return match.group(0)


def chart_rows(html: str) -> list[str]:
    return re.findall(
        r'<li class="glance-row">.*?</p>.*?(?=<li class="glance-row">|</ol>)',
        chart_markup(html),
        re.S,
    )


def headlines(html: str) -> dict[str, str]:
    """Each chart row's label and its headline figure."""
    return dict(
        re.findall(
            r'<span class="glance-stage">([^<]+)</span> <span class="glance-figure">([^<]+)</span>',
            chart_markup(html),
        )
    )


def table_markup(html: str) -> str:
    match = re.search(r'<table class="data-table pay-table stack-table">.*?</table>', html, re.S)
    assert match, "no salary table"
    return match.group(0)


def test_it_shows_the_role(client):
    role = build_role(name="Data Wrangler", summary="Tames data.", description="All about data.")

    response = client.get(role.get_absolute_url())

    assertContains(response, "<h1>Data Wrangler</h1>", html=True)
    assertContains(response, "Tames data.")
    assertContains(response, "All about data.")
    assertContains(response, "Build models")  # a responsibility line
    assertContains(response, "Machine learning")  # its family


def test_it_404s_for_an_unknown_slug(client):
    response = client.get("/roles/no-such-role/")

    assert response.status_code == 404
    assertContains(response, "find that page", status_code=404)


def test_it_404s_for_an_unpublished_role(client):
    role = build_role(is_published=False)

    response = client.get(role.get_absolute_url())

    assert response.status_code == 404


def test_it_lists_stages_in_order_with_level_years_and_title(client):
    role = RoleFactory.create()
    # Created out of order: the page follows position, not creation.
    StageFactory.create(
        role=role, position=3, level=Level.SENIOR, title="Senior", years_min=7, years_max=None
    )
    StageFactory.create(
        role=role, position=1, level=Level.ENTRY, title="Junior", years_min=0, years_max=1
    )
    StageFactory.create(
        role=role, position=2, level=Level.MID, title="Middle", years_min=1, years_max=3
    )

    html = section(client.get(role.get_absolute_url()).content.decode(), "stages")

    assert html.index("Junior") < html.index("Middle") < html.index("Senior")
    assert "0-1 years" in html and "1-3 years" in html and "7+ years" in html
    assert "badge-entry" in html and "badge-senior" in html


def test_it_hides_retired_stages_skills_and_milestones(client):
    stage = StageFactory.create(title="Current stage")
    StageFactory.create(role=stage.role, title="Old stage", is_retired=True)
    StageSkillFactory.create(stage=stage, skill__name="Python")
    StageSkillFactory.create(stage=stage, skill__name="Retired link", is_retired=True)
    StageSkillFactory.create(stage=stage, skill__name="COBOL", skill__is_retired=True)
    StageMilestoneFactory.create(stage=stage, milestone__title="Ship a model")
    StageMilestoneFactory.create(stage=stage, milestone__title="Fax a report", is_retired=True)
    StageMilestoneFactory.create(
        stage=stage, milestone__title="Send a telex", milestone__is_retired=True
    )

    response = client.get(stage.role.get_absolute_url())

    assertContains(response, "Current stage")
    assertContains(response, "Python")
    assertContains(response, "Ship a model")
    for hidden in ("Old stage", "Retired link", "COBOL", "Fax a report", "Send a telex"):
        assertNotContains(response, hidden)


def test_it_marks_recommended_skills(client):
    stage = StageFactory.create()
    StageSkillFactory.create(stage=stage, skill__name="Python", required=True)
    StageSkillFactory.create(stage=stage, skill__name="Rust", required=False)

    html = client.get(stage.role.get_absolute_url()).content.decode()

    assert re.search(r'chip-required"><a href="/skills/[^"]+">Python</a></li>', html)
    assert re.search(
        r'chip-recommended"><a href="/skills/[^"]+">Rust</a> <span class="chip-tag">recommended',
        html,
    )


def test_it_shows_specialized_stages_as_branches_linking_to_their_roles(client):
    research = RoleFactory.create(name="Research Scientist")
    hidden = RoleFactory.create(name="Secret Role", is_published=False)
    role = RoleFactory.create()
    StageFactory.create(role=role, position=1, level=Level.ENTRY, title="Junior")
    StageFactory.create(role=role, position=2, level=Level.SENIOR, title="Senior")
    StageFactory.create(
        role=role, position=3, level=Level.SPECIALIZED, title="Go research", leads_to=research
    )
    StageFactory.create(
        role=role, position=4, level=Level.SPECIALIZED, title="Go dark", leads_to=hidden
    )

    html = section(client.get(role.get_absolute_url()).content.decode(), "stages")

    branches = html[html.index("Branches after Senior") :]
    assert "Go research" in branches and "Go dark" in branches
    assert f'href="{research.get_absolute_url()}"' in branches
    assert "Secret Role" not in html
    assert html.index("Senior") < html.index("Go research")


def test_it_draws_one_chart_row_per_stage_with_its_headline_figure(client):
    role = build_role(stages=3)
    stages = list(role.stages.order_by("position"))

    html = client.get(role.get_absolute_url()).content.decode()

    chart = chart_markup(html)
    assert "Salary at a glance for " + role.name in chart
    assert "style=" not in chart  # the CSP allows no inline styles
    assert chart.count('class="chart-tick"') >= 2
    # Three stages and the role's figures for all stages, each with one bar.
    assert list(headlines(html)) == [stage.title for stage in stages] + ["All stages"]
    assert chart.count('<svg class="glance-bar"') == 4
    assert "".join(chart_rows(html)).count('class="chart-bar"') == 4
    assert headlines(html)[stages[0].title] == "$90,000 \u2013 $130,000"
    # Base pay heads "All stages"; its total compensation is one more figure, with its source.
    assert headlines(html)["All stages"] == "$100,000 \u2013 $180,000"
    assert chart.count("<summary>and 1 more figure</summary>") == 1
    assert "total compensation" in chart_rows(html)[-1]


def test_it_lists_every_figure_in_a_table_kept_closed(client):
    role = build_role(stages=2)

    html = client.get(role.get_absolute_url()).content.decode()

    chart, table = chart_markup(html), table_markup(html)
    for band in SalaryBand.objects.filter(role=role):
        for figure in (band.low, band.high):
            if figure is not None:
                money = f"${figure:,}"
                assert money in chart, money
                assert money in table, money
    for header in ("Stage", "Region", "Low", "Midpoint", "High", "10th / 90th", "Basis", "Source"):
        assert f">{header}" in table
    assert "$108,000" in table and "median" in table  # the first stage's midpoint and its kind
    assert "$85,000 / $240,000" in table  # p10 / p90 of the role-wide band
    # Collapsed: a <details> without "open", whose summary counts the figures.
    assert re.search(
        r'<details class="pay-all">\s*<summary>Every salary figure, with its source \(4\)</summary>'
        r'\s*<div class="table-wrap"',
        html,
    )
    # Each cell says what it is, for the stacked rows of a narrow screen.
    assert table.count('data-label="Source"') == 4


def test_it_formats_money_and_shows_the_other_figures_behind_the_headline(client):
    role = RoleFactory.create()
    stage = StageFactory.create(role=role, title="Senior")
    SalaryBandFactory.create(role=role, stage=stage, low=132326, high=181999)
    SalaryBandFactory.create(
        role=role,
        stage=stage,
        low=None,
        high=None,
        midpoint=172654,
        midpoint_kind=MidpointKind.AVERAGE,
        position=1,
    )

    html = client.get(role.get_absolute_url()).content.decode()

    assert headlines(html) == {"Senior": "$132,326 \u2013 $181,999"}
    more = chart_rows(html)[0].split('<details class="glance-more">')[1]
    assert "<summary>and 1 more figure</summary>" in more
    assert "$172,654 average" in more
    assert chart_rows(html)[0].count('class="chart-bar"') == 1


def test_it_draws_a_single_figure_as_a_dot(client):
    role = RoleFactory.create()
    stage = StageFactory.create(role=role, title="Senior")
    SalaryBandFactory.create(
        role=role, stage=stage, low=None, high=None, midpoint=172654, midpoint_kind="average"
    )

    row = chart_rows(client.get(role.get_absolute_url()).content.decode())[0]

    assert row.count('class="chart-dot"') == 1
    assert "chart-bar" not in row


def test_it_labels_total_compensation(client):
    role = RoleFactory.create()
    stage = StageFactory.create(role=role, title="Senior")
    SalaryBandFactory.create(
        role=role, stage=stage, low=None, high=218603, pay_basis=PayBasis.TOTAL
    )

    html = client.get(role.get_absolute_url()).content.decode()

    assert headlines(html) == {"Senior": "up to $218,603"}
    row = chart_rows(html)[0]
    assert "total compensation" in row
    assert "chart-band--total" in row
    assert "Total compensation" in table_markup(html)


def test_it_shows_role_wide_bands_as_all_stages(client):
    role = RoleFactory.create()
    StageFactory.create(role=role, title="Entry")
    SalaryBandFactory.create(role=role, stage=None, low=115200, high=180000)

    html = client.get(role.get_absolute_url()).content.decode()

    # A stage without figures of its own is headed by the role's, and says so.
    assert headlines(html) == {
        "Entry": "$115,200 \u2013 $180,000",
        "All stages": "$115,200 \u2013 $180,000",
    }
    assert "No figure for this stage alone" in chart_rows(html)[0]
    assert re.search(
        r'<th scope="row">All stages</th>\s*<td data-label="Region">United States</td>', html
    )


def test_it_heads_each_stage_with_a_regions_figure_when_it_has_one(client):
    seattle = RegionFactory.create(name="Seattle, WA", slug="seattle-wa")
    role = build_role(stages=2, regions=[seattle])
    first = role.stages.order_by("position").first()
    assert first is not None

    plain = client.get(role.get_absolute_url()).content.decode()
    regional = client.get(role.get_absolute_url(), {"region": "seattle-wa"}).content.decode()

    assert '<option value="seattle-wa">Seattle, WA</option>' in plain
    assert "Seattle, WA" not in table_markup(plain)
    assert headlines(plain)[first.title] == "$90,000 \u2013 $130,000"
    # The region's figure heads the stage; the national one is one more figure.
    assert headlines(regional)[first.title] == "$115,000 average"
    assert "chart-band--region" in chart_rows(regional)[0]
    assert "$90,000 \u2013 $130,000" in chart_rows(regional)[0].split("<details")[1]
    table = table_markup(regional)
    assert table.count('<td data-label="Region">Seattle, WA</td>') == 2
    assert table.count('<td data-label="Region">United States</td>') == 4
    assert '<option value="seattle-wa" selected>' in regional
    # Each stage's regional row follows its national row.
    rows = re.findall(r'<td data-label="Region">(Seattle, WA|United States)</td>', table)
    assert rows[:4] == ["United States", "Seattle, WA", "United States", "Seattle, WA"]


def test_it_shows_national_figures_for_an_unknown_region_and_says_so(client):
    role = build_role(stages=2, regions=[RegionFactory.create(slug="seattle-wa")])

    response = client.get(role.get_absolute_url(), {"region": "atlantis"})

    assert response.status_code == 200
    assertContains(response, "no figures for the region “atlantis”")
    table = table_markup(response.content.decode())
    assert "United States" in table
    assert "City" not in table


def test_it_says_when_a_role_has_no_salary_figures(client):
    role = RoleFactory.create()
    StageFactory.create(role=role)

    response = client.get(role.get_absolute_url(), {"region": "seattle-wa"})

    assertContains(response, "No salary figures for this role yet")
    assertNotContains(response, '<figure class="chart"')
    assertNotContains(response, "<table")
    assertNotContains(response, 'name="region"')


def test_it_names_every_source_and_section_a_figure_comes_from(client):
    role = build_role(stages=1, regions=[RegionFactory.create(slug="seattle-wa")])

    html = section(
        client.get(role.get_absolute_url(), {"region": "seattle-wa"}).content.decode(), "sources"
    )

    band = SalaryBand.objects.filter(role=role).first()
    assert band is not None
    source = band.source
    assert f"<cite>{source.title}</cite>" in html
    assert str(source.year) in html
    for part in ("Salary Ranges", "Salary by Location", "Total compensation", "Job Market"):
        assert part in html


def test_it_is_valid_html(client, tmp_path):
    seattle = RegionFactory.create(slug="seattle-wa")
    role = build_role(stages=4, branches=1, regions=[seattle], leads_to=RoleFactory.create())
    bare = RoleFactory.create()

    documents = {
        "national": client.get(role.get_absolute_url()).content.decode(),
        "regional": client.get(role.get_absolute_url(), {"region": "seattle-wa"}).content.decode(),
        "no salary": client.get(bare.get_absolute_url()).content.decode(),
    }

    assert html_errors(documents, tmp_path) == []


def test_it_leaves_a_place_for_the_target_form(client):
    role = build_role(stages=1)

    response = client.get(role.get_absolute_url())

    assert "careers/_target_form.html" in [t.name for t in response.templates]


def test_it_needs_a_fixed_number_of_queries(client, django_assert_num_queries):
    role = build_role(stages=3, branches=1, regions=[RegionFactory.create()])

    with django_assert_num_queries(ROLE_PAGE_QUERIES):
        response = client.get(role.get_absolute_url())

    assert response.status_code == 200


def test_it_needs_the_same_queries_for_a_ten_times_larger_catalog(
    client, django_assert_num_queries
):
    regions = [RegionFactory.create(), RegionFactory.create()]
    small = build_catalog(2, stages=3, skills_per_stage=3, milestones_per_stage=2, regions=regions)
    with django_assert_num_queries(REGIONS + ROLE_PAGE_QUERIES):
        client.get(small[0].get_absolute_url(), {"region": regions[0].slug})

    # Ten times the roles, and the measured role with ten times the stages, skills and bands.
    big = build_role(
        stages=30, skills_per_stage=3, milestones_per_stage=2, branches=3, regions=regions
    )
    build_catalog(17, stages=3, regions=regions)
    with django_assert_num_queries(REGIONS + ROLE_PAGE_QUERIES):
        response = client.get(big.get_absolute_url(), {"region": regions[0].slug})

    assert response.content.decode().count('id="stage-') == 30


def test_a_visitor_seeing_it_again_costs_no_query(client, django_assert_num_queries):
    role = build_role(stages=3, branches=1, regions=[RegionFactory.create()])
    client.get(role.get_absolute_url())

    # Kept whole until the catalog changes (careers/cache.py).
    with django_assert_num_queries(0):
        assert client.get(role.get_absolute_url()).status_code == 200


def test_a_login_link_comes_back_to_the_page_without_stray_parameters(client):
    role = build_role(stages=2, regions=[RegionFactory.create(slug="seattle-wa")])

    html = client.get(role.get_absolute_url(), {"region": "seattle-wa", "x": "<y>"}).content

    assert f"?next={role.get_absolute_url()}%3Fregion%3Dseattle-wa".encode() in html
    assert b"%3Cy%3E" not in html and b"<y>" not in html


# ---- The shipped catalog ---------------------------------------------------------------------


def test_it_shows_the_shipped_machine_learning_engineer(client, shipped_catalog):
    response = client.get("/roles/machine-learning-engineer/")

    assertContains(response, "<h1>Machine Learning Engineer</h1>", html=True)
    html = response.content.decode()
    stages = section(html, "stages")
    titles = re.findall(r'<h3 class="stage-title">(?:<span[^>]*>[^<]*</span>)?([^<]+)</h3>', stages)
    assert len(titles) >= 3
    entry, senior = stages.index("badge-entry"), stages.index("badge-senior")
    assert entry < stages.index("badge-mid") < senior
    assert "Python" in stages
    # A salary figure from the guide's salary section, heading its stage and in the table.
    assert headlines(html)["ML Engineer (early career)"] == "$132,326 \u2013 $181,999"
    assert "$132,326" in table_markup(html)
    band = SalaryBand.objects.filter(role__slug="machine-learning-engineer", low=132326).first()
    assert band is not None
    sources = section(html, "sources")
    assert f"<cite>{band.source.title}</cite>" in sources
    assert band.section in sources


def test_it_shows_the_shipped_catalog_in_a_fixed_number_of_queries(
    client, shipped_catalog, django_assert_num_queries
):
    with django_assert_num_queries(ROLE_PAGE_QUERIES):
        client.get("/roles/machine-learning-engineer/")


def test_it_reads_summary_stages_salary_outlook_sources_in_that_order(client):
    role = build_role(stages=2, description="All about it.")

    html = client.get(role.get_absolute_url()).content.decode()

    order = ["about", "stages", "pay", "outlook", "sources"]
    places = [html.index(f'<section id="{name}"') for name in order]
    assert places == sorted(places)
    nav = re.search(r'<nav class="on-this-page".*?</nav>', html, re.S)
    assert nav
    assert re.findall(r'href="#(\w+)"', nav.group(0)) == order
