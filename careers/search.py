"""Finding roles and skills from what a person types: the words of a query, the abbreviations
they stand for, the ranking and the matched parts shown.

Pure functions over plain data (the catalog's search entries, kept by catalog version), so that
search costs no query when the cache holds the entries, and runs the same on every database.

- Every word of the query must match somewhere, at the start of a word ("engineer" finds
  "Engineering"); an abbreviation matches what it stands for, and the other way round
  (ABBREVIATIONS).
- A role ranks by where its words matched: the role's name over its stage titles over the rest
  (its skills, summary, description and stage summaries); among equals, the role whose name the
  query covers most, then by name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# What people abbreviate, and what the catalog may spell out: one table, read both ways.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ai": ("artificial intelligence",),
    "dl": ("deep learning",),
    "llm": ("large language model",),
    "llms": ("large language models",),
    "ml": ("machine learning",),
    "mlops": ("machine learning operations", "ml ops"),
    "nlp": ("natural language processing",),
    "rag": ("retrieval-augmented generation",),
    "rl": ("reinforcement learning",),
}
# Longer queries are cut here: each word is a pattern to try on every entry.
MAX_TERMS = 8
LONGEST_PHRASE = max(len(phrase.split()) for names in ABBREVIATIONS.values() for phrase in names)

# Where a word matched, and what that weighs in the ranking.
NAME, STAGE, OTHER = 100, 10, 1

_WORD = re.compile(r"\w[\w+#]*(?:[.'-]\w[\w+#]*)*")
_SPELLED_OUT = {
    phrase: abbreviation for abbreviation, names in ABBREVIATIONS.items() for phrase in names
}


@dataclass(frozen=True)
class Term:
    """One word of the query (or a spelled-out phrase), with every form it may take, casefolded.

    `pattern` finds them at the start of a word in any text, for the parts a result marks.
    Finding whether a text holds them at all (`first_in`) reads the text casefolded, where a
    pattern needs no IGNORECASE and the engine can skip ahead to where a form may start: about
    ten times faster over a catalog's texts."""

    text: str
    pattern: re.Pattern[str]
    folded: re.Pattern[str]
    folded_anywhere: re.Pattern[str]

    def found_in(self, text: str) -> bool:
        return self.first_in(text.casefold()) is not None

    def first_in(self, folded: str, position: int = 0) -> int | None:
        """Where the term is first found at the start of a word in a casefolded text, from
        `position` on."""
        # The lookbehind is tried only where a form starts: with it, the engine would try it
        # at every position of the text.
        while (found := self.folded_anywhere.search(folded, position)) is not None:
            if self.folded.match(folded, found.start()):
                return found.start()
            position = found.start() + 1
        return None


def _term(text: str, forms: Iterable[str]) -> Term:
    # The words of a phrase apart by spaces or hyphens.
    alternatives = "|".join(
        sorted(
            (
                r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", form))
                for form in forms
            ),
            key=len,
            reverse=True,
        )
    )
    at_word_start = r"(?<!\w)(?:" + alternatives + ")"
    return Term(
        text,
        pattern=re.compile(at_word_start, re.IGNORECASE),
        folded=re.compile(at_word_start),
        folded_anywhere=re.compile(alternatives),
    )


def terms(query: str) -> list[Term]:
    """The words of a query, each with its abbreviation or what it stands for; none for a
    query without a word."""
    words = _WORD.findall(query.casefold())
    found: list[Term] = []
    i = 0
    while i < len(words) and len(found) < MAX_TERMS:
        for size in range(min(LONGEST_PHRASE, len(words) - i), 1, -1):
            phrase = " ".join(words[i : i + size])
            if phrase in _SPELLED_OUT:
                short = _SPELLED_OUT[phrase]
                forms = {phrase, short, *ABBREVIATIONS[short]}
                i += size
                break
        else:
            phrase = words[i]
            forms = {phrase, *ABBREVIATIONS.get(phrase, ())}
            i += 1
        if all(term.text != phrase for term in found):
            found.append(_term(phrase, forms))
    return found


def matches_all(texts: Sequence[str], found: Sequence[Term]) -> bool:
    """Whether every term matches one of the texts."""
    return all(any(term.found_in(text) for text in texts) for term in found)


def _spans(text: str, found: Sequence[Term]) -> list[tuple[int, int]]:
    spans = sorted(m.span() for term in found for m in term.pattern.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, found: Sequence[Term]) -> SafeString:
    """The text, escaped, with what the terms matched in <mark>."""
    parts, last = [], 0
    for start, end in _spans(text, found):
        parts += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    parts.append(escape(text[last:]))
    # Every piece of text is escaped above.
    return mark_safe("".join(parts))


def excerpt(text: str, found: Sequence[Term], width: int = 160) -> SafeString:
    """About `width` characters of the text around its first match, highlighted."""
    spans = _spans(text, found)
    start = spans[0][0] if spans else 0
    begin = max(0, start - width // 3)
    if begin:
        begin = text.rfind(" ", 0, begin) + 1
    end = min(len(text), begin + width)
    if end < len(text):
        end = max(text.rfind(" ", begin, end), start + 1)
    piece = highlight(text[begin:end], found)
    return mark_safe(("… " if begin else "") + piece + (" …" if end < len(text) else ""))


def _covered(text: str, found: Sequence[Term]) -> float:
    """The share of the text's letters that the terms matched."""
    letters = sum(ch.isalnum() for ch in text) or 1
    matched = sum(sum(ch.isalnum() for ch in text[s:e]) for s, e in _spans(text, found))
    return matched / letters


# --- Many texts searched as one -----------------------------------------------------------------

# Joins texts searched as one: no text holds a NUL (Django's form fields refuse it) and no pattern
# matches one, so no phrase is ever found across two texts.
SEPARATOR = "\x00"


@dataclass(frozen=True)
class Texts:
    """Many texts casefolded and joined into one, so that a term is looked for in all of them
    in one pass of the regular expression engine rather than one call a text."""

    joined: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Texts:
        listed = [text.casefold() for text in texts]
        starts, position = [], 0
        for text in listed:
            starts.append(position)
            position += len(text) + len(SEPARATOR)
        return cls(SEPARATOR.join(listed), tuple(starts))

    def holding(self, term: Term) -> set[int]:
        """The indexes of the texts the term is found in."""
        found: set[int] = set()
        position = 0
        while (start := term.first_in(self.joined, position)) is not None:
            index = bisect_right(self.starts, start) - 1
            found.add(index)
            # On to the next text: this one is found.
            position = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.joined)
        return found


# --- The catalog's entries and what a search finds in them ------------------------------------


@dataclass(frozen=True)
class RoleEntry:
    """What search reads of a published role, and what its result card shows."""

    slug: str
    name: str
    family: str
    summary: str
    description: str
    stage_titles: tuple[str, ...]
    stage_summaries: tuple[str, ...]
    skills: tuple[str, ...]
    stage_count: int
    branch_count: int
    pay_low: int | None
    pay_high: int | None

    @property
    def stage_text(self) -> str:
        return SEPARATOR.join(self.stage_titles)

    @property
    def other_text(self) -> str:
        return SEPARATOR.join((*self.skills, self.summary, self.description, *self.stage_summaries))


@dataclass(frozen=True)
class SkillEntry:
    slug: str
    name: str
    category: str
    description: str


@dataclass(frozen=True)
class RoleIndex:
    """The published roles, and the texts of each place a word may match in them, each as one:
    kept by catalog version, so a search joins nothing."""

    roles: tuple[RoleEntry, ...]
    names: Texts
    stages: Texts
    others: Texts

    @classmethod
    def of(cls, roles: Iterable[RoleEntry]) -> RoleIndex:
        listed = tuple(roles)
        return cls(
            roles=listed,
            names=Texts.of(role.name for role in listed),
            stages=Texts.of(role.stage_text for role in listed),
            others=Texts.of(role.other_text for role in listed),
        )


@dataclass(frozen=True)
class SkillIndex:
    """The current skills, and their names as one text: kept by catalog version, as `RoleIndex`."""

    skills: tuple[SkillEntry, ...]
    names: Texts

    @classmethod
    def of(cls, skills: Iterable[SkillEntry]) -> SkillIndex:
        listed = tuple(skills)
        return cls(skills=listed, names=Texts.of(skill.name for skill in listed))


@dataclass(frozen=True)
class RoleHit:
    role: RoleEntry
    score: int
    name: SafeString
    summary: SafeString
    stages: tuple[SafeString, ...]
    skills: tuple[SafeString, ...]
    description: SafeString | None


@dataclass(frozen=True)
class SkillHit:
    skill: SkillEntry
    name: SafeString


SHOWN_STAGES = 3
SHOWN_SKILLS = 5


def rank_roles(index: RoleIndex, found: Sequence[Term]) -> list[tuple[RoleEntry, int]]:
    """The roles every term matches, best first, each with its score: the sum, over the terms,
    of where each matched the role at best."""
    if not found:
        return []
    scores: dict[int, int] = {}
    for n, term in enumerate(found):
        names, stages = index.names.holding(term), index.stages.holding(term)
        matched = names | stages | index.others.holding(term)
        if n:
            matched &= scores.keys()
        scores = {
            i: scores.get(i, 0) + (NAME if i in names else STAGE if i in stages else OTHER)
            for i in matched
        }
        if not scores:
            return []
    ranked = sorted(
        (-score, -_covered(index.roles[i].name, found), index.roles[i].name.casefold(), i)
        for i, score in scores.items()
    )
    return [(index.roles[i], -score) for score, _, _, i in ranked]


def role_hit(role: RoleEntry, score: int, found: Sequence[Term]) -> RoleHit:
    """What a result shows of a role the terms matched: only the results shown are made."""
    stages = [title for title in role.stage_titles if matches_any(title, found)]
    skills = [name for name in role.skills if matches_any(name, found)]
    # The description is shown only when nothing else shown explains the match.
    shown = (role.name, role.summary, *stages, *skills)
    description = None
    if not matches_all(shown, found) and matches_any(role.description, found):
        description = excerpt(role.description, found)
    return RoleHit(
        role=role,
        score=score,
        name=highlight(role.name, found),
        summary=highlight(role.summary, found),
        stages=tuple(highlight(title, found) for title in stages[:SHOWN_STAGES]),
        skills=tuple(highlight(name, found) for name in skills[:SHOWN_SKILLS]),
        description=description,
    )


def matches_any(text: str, found: Sequence[Term]) -> bool:
    return any(term.found_in(text) for term in found)


def find_skills(index: SkillIndex, found: Sequence[Term]) -> list[SkillHit]:
    """The skills whose name every term matches, the most fully matched first."""
    if not found:
        return []
    matched = set.intersection(*(index.names.holding(term) for term in found))
    hits = [index.skills[i] for i in matched]
    hits.sort(key=lambda skill: (-_covered(skill.name, found), skill.name.casefold()))
    return [SkillHit(skill, highlight(skill.name, found)) for skill in hits]
