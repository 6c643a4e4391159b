"""Search (careers.search, asked through /roles/?q=): what people type finds what they mean.

The cases run against the shipped catalog, through the page, as a person searches; the rules
beneath them (words, abbreviations, highlighting) are tested from tables without the database.
"""

from __future__ import annotations

import re

import pytest

from careers import search
from careers.search import RoleEntry, SkillEntry

URL = "/roles/"


def roles_found(html: str) -> list[str]:
    names = re.findall(r'<h3 class="card-title"><a href="[^"]+">(.+?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", name) for name in names]


def skills_found(html: str) -> list[str]:
    block = re.search(r'<ul class="chips skill-hits">(.*?)</ul>', html, re.S)
    names = re.findall(r'<a href="/skills/[^"]+/">(.+?)</a>', block.group(1)) if block else []
    return [re.sub(r"</?mark>", "", name) for name in names]


# (query, the first roles found in order (None: nothing), the skills found contain, every role
# listed shows this matched part)
CASES = [
    ("ml engineer", ["Machine Learning Engineer", "ML Systems Engineer"], [], None),
    ("machine learning engineer", ["Machine Learning Engineer"], [], None),
    ("  ML   Engineer  ", ["Machine Learning Engineer", "ML Systems Engineer"], [], None),
    ("ML ENGINEER", ["Machine Learning Engineer", "ML Systems Engineer"], [], None),
    ("senior", ["AI Engineer"], [], "Stages: <mark>Senior</mark>"),
    ("LLM", ["Large Language Model SME"], ["Large language models", "LLMOps"], None),
    # A stage titled "Domain specialist (computer vision, NLP, ...)" over a skill.
    ("nlp", ["Machine Learning Engineer"], ["Natural language processing"], None),
    ("mlops", ["Machine Learning Engineer"], ["MLOps practices"], None),
    ("pytorch", ["AI Engineer"], ["PyTorch", "PyTorch Lightning"], "<mark>PyTorch</mark>"),
    ("artificial intelligence engineer", ["AI Engineer"], [], None),
]


def test_it_finds_what_people_mean(client, shipped_catalog, subtests):
    # One test over the table: the shipped catalog is loaded once for every case.
    for query, first, skills, matched in CASES:
        with subtests.test(query=query):
            html = client.get(URL, {"q": query}).content.decode()

            assert roles_found(html)[: len(first)] == first
            assert set(skills) <= set(skills_found(html))
            if matched:
                cards = re.findall(r'<li class="card role-card">(.*?)</li>', html, re.S)
                assert cards and all(matched in card for card in cards)


def test_senior_finds_the_roles_with_a_senior_stage_by_their_stage_titles(client, shipped_catalog):
    html = client.get(URL, {"q": "senior"}).content.decode()

    found = roles_found(html)
    assert "Machine Learning Engineer" in found and "Data Scientist" in found
    # Roles without a senior stage: not listed.
    assert "Machine Learning Consultant" not in found


def test_llm_finds_roles_whose_stages_or_skills_mention_it_after_the_one_named_so(
    client, shipped_catalog
):
    found = roles_found(client.get(URL, {"q": "llm"}).content.decode())

    # Named so, then stage titles (a foundation-models and LLM specialist stage), then skills.
    assert found[0] == "Large Language Model SME"
    assert found.index("Machine Learning Engineer") < found.index("Language AI Engineer")
    assert "Foundation Models ML Engineer" in found


def test_a_skill_name_finds_the_skill_linked_to_its_page(client, shipped_catalog):
    html = client.get(URL, {"q": "scikit-learn"}).content.decode()

    assert '<a href="/skills/scikit-learn/"><mark>scikit-learn</mark></a>' in html


ODD_QUERIES = ["qwxzv", "ml qwxzv", "<script>alert(1)</script>", "x" * 500, "engineer " * 50, "%"]


def test_it_answers_any_query_without_an_error_and_escapes_it(client, shipped_catalog, subtests):
    for query in ODD_QUERIES:
        with subtests.test(query=query[:20]):
            response = client.get(URL, {"q": query})

            assert response.status_code == 200
            html = response.content.decode()
            assert "<script>alert(1)</script>" not in html
            assert "<mark><" not in html


def test_nonsense_finds_nothing_and_says_so(client, shipped_catalog):
    html = client.get(URL, {"q": "qwxzv"}).content.decode()

    assert roles_found(html) == [] and skills_found(html) == []
    assert "Nothing matches “qwxzv”." in html


def test_html_in_the_query_is_shown_as_text(client, shipped_catalog):
    html = client.get(URL, {"q": "<b>qwxzv</b>"}).content.decode()

    assert "Nothing matches “&lt;b&gt;qwxzv&lt;/b&gt;”." in html


def test_an_empty_query_lists_every_role(client, shipped_catalog):
    every = roles_found(client.get(URL).content.decode())

    assert roles_found(client.get(URL, {"q": "   "}).content.decode()) == every
    assert len(every) == 19


def test_a_very_long_query_is_cut_to_its_first_hundred_characters(client, shipped_catalog):
    html = client.get(URL, {"q": "engineer " + "x" * 300}).content.decode()

    assert 'value="engineer ' + "x" * 91 + '"' in html


def test_the_family_filter_narrows_a_search(client, shipped_catalog):
    found = roles_found(client.get(URL, {"q": "engineer", "family": "research"}).content.decode())

    assert found and "Machine Learning Engineer" not in found


def test_a_search_costs_no_query_once_the_catalog_s_entries_are_kept(
    client, shipped_catalog, django_assert_num_queries
):
    client.get(URL, {"q": "python"})

    with django_assert_num_queries(0):
        client.get(URL, {"q": "ml engineer"})


# --- The rules, without the database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "texts"),
    [
        ("ml engineer", ["ml", "engineer"]),
        ("Machine  Learning engineer", ["machine learning", "engineer"]),
        ("large language model", ["large language model"]),
        ("c++ and c#", ["c++", "and", "c#"]),
        ("python python", ["python"]),
        ("<b>x</b>", ["b", "x"]),
        ("", []),
        ("   ", []),
        ("!!!", []),
        (" ".join(f"w{n}" for n in range(20)), [f"w{n}" for n in range(search.MAX_TERMS)]),
    ],
)
def test_terms_are_the_words_with_spelled_out_phrases_kept_whole(query, texts):
    assert [term.text for term in search.terms(query)] == texts


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("ml", "Machine Learning Engineer", True),
        ("machine learning", "ML Systems Engineer", True),
        ("ml", "Machine-learning pipelines", True),
        ("llm", "Large language models", True),
        ("llm", "LLMOps", True),
        ("engineer", "Engineering manager", True),
        ("ml", "HTML templates", False),  # at the start of a word only
        ("ai", "Maintenance", False),
        ("nlp", "Natural language processing", True),
        # Inside a word first, then at the start of one.
        ("ml", "HTML and ML", True),
        ("ml", "xmlml", False),
        ("machine learning", "xmachine learning, machine-learning", True),
    ],
)
def test_a_term_matches_at_the_start_of_a_word_in_any_of_its_forms(query, text, found):
    (term,) = search.terms(query)

    assert term.found_in(text) is found


@pytest.mark.parametrize(
    ("query", "text", "html"),
    [
        (
            "ml engineer",
            "Machine Learning Engineer",
            "<mark>Machine Learning</mark> <mark>Engineer</mark>",
        ),
        ("senior", "Senior <ML> Engineer", "<mark>Senior</mark> &lt;ML&gt; Engineer"),
        ("b", "<b>bold</b>", "&lt;<mark>b</mark>&gt;<mark>b</mark>old&lt;/<mark>b</mark>&gt;"),
        ("x", "nothing here", "nothing here"),
    ],
)
def test_highlight_marks_what_matched_and_escapes_the_rest(query, text, html):
    assert search.highlight(text, search.terms(query)) == html


def role(name: str, stages: tuple[str, ...] = (), skills: tuple[str, ...] = ()) -> RoleEntry:
    return RoleEntry(
        slug=name.lower().replace(" ", "-"),
        name=name,
        family="machine-learning",
        summary="",
        description="",
        stage_titles=stages,
        stage_summaries=(),
        skills=skills,
        stage_count=len(stages),
        branch_count=0,
        pay_low=None,
        pay_high=None,
    )


@pytest.mark.parametrize(
    ("query", "roles", "expected"),
    [
        # The name over stage titles over skills.
        (
            "senior",
            [
                role("A", skills=("Senior skills",)),
                role("B", stages=("Senior B",)),
                role("Senior C"),
            ],
            ["Senior C", "B", "A"],
        ),
        # Among equal places, the name the query covers most, then by name.
        (
            "ml engineer",
            [
                role("Foundation Models ML Engineer"),
                role("ML Engineer"),
                role("Machine Learning Engineer"),
            ],
            ["Machine Learning Engineer", "ML Engineer", "Foundation Models ML Engineer"],
        ),
        # Every word must match somewhere.
        ("ml qwxzv", [role("ML Engineer")], []),
        ("", [role("ML Engineer")], []),
    ],
)
def test_roles_rank_by_where_the_words_matched(query, roles, expected):
    ranked = search.rank_roles(search.RoleIndex.of(roles), search.terms(query))

    assert [role.name for role, _ in ranked] == expected


def test_a_short_text_is_its_own_excerpt():
    text = "Short text about LLM serving."

    assert search.excerpt(text, search.terms("llm")) == "Short text about <mark>LLM</mark> serving."


def test_an_excerpt_of_a_long_text_is_the_words_around_its_first_match():
    text = "word " * 60 + "LLM tail " + "end " * 60

    shown = search.excerpt(text, search.terms("llm"), width=100)

    assert shown.startswith("… word ") and shown.endswith(" end …")
    assert "word <mark>LLM</mark> tail end" in shown
    assert len(shown.replace("<mark>", "").replace("</mark>", "")) <= 100 + len("…  …")


def test_skills_are_found_by_name_the_most_fully_matched_first():
    skills = [
        SkillEntry("a", "PyTorch Lightning", "ml-frameworks", ""),
        SkillEntry("b", "PyTorch", "ml-frameworks", ""),
        SkillEntry("c", "TensorFlow", "ml-frameworks", "Like PyTorch"),
    ]

    hits = search.find_skills(search.SkillIndex.of(skills), search.terms("pytorch"))

    assert [hit.skill.name for hit in hits] == ["PyTorch", "PyTorch Lightning"]


def test_a_phrase_is_never_found_across_two_of_a_roles_texts():
    apart = role("Apart", stages=("Machine",), skills=("Learning basics",))
    together = role("Together", skills=("Applied machine learning",))

    ranked = search.rank_roles(
        search.RoleIndex.of([apart, together]), search.terms("machine learning")
    )

    assert [entry.name for entry, _ in ranked] == ["Together"]


@pytest.mark.parametrize(
    ("query", "texts", "holding"),
    [
        ("ml", ["ML", "HTML", "Applied ML", "", "ml"], {0, 2, 4}),
        ("machine learning", ["machine", "learning", "Machine-learning"], {2}),
        ("python", ["PyTorch", "Python, then more Python"], {1}),
        ("python", [], set()),
    ],
)
def test_many_texts_searched_as_one_say_which_of_them_hold_the_term(query, texts, holding):
    (term,) = search.terms(query)

    assert search.Texts.of(texts).holding(term) == holding
