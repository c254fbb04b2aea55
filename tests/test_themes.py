"""Pages rendered from real NukeViet theme templates (tests/fixtures/themes): every official
release's news ``detail.tpl`` gives its record, and a theme the profile does not know (its
selectors removed) still gives it, through the fallbacks, and says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from micnews.cleaners.clean import clean_html
from micnews.cleaners.profile import load_profiles
from micnews.cleaners.record import Record
from micnews.cleaners.textnorm import norm_key
from tests.fixtures.themes._render import THEMES, ThemeCase, cases, redesigned, sources

# Real-theme templates each family must have (the coverage test fails below this).
MIN_REAL_THEMES = {"nukeviet3": 7, "nukeviet4": 15}
CASES = cases()


def _family_of(row: dict[str, str]) -> str:
    return "nukeviet3" if row["tag"].startswith("3.") else "nukeviet4"


def test_every_template_has_its_note_and_the_families_their_count() -> None:
    rows = sources()
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in THEMES.glob("*.tpl"))
    for row in rows:
        assert row["repo"] and row["path"].endswith("modules/news/detail.tpl")
        assert re.fullmatch(r"[0-9a-f]{40}", row["commit"]) and row["licence"]
    counts: dict[str, int] = {}
    for row in rows:
        counts[_family_of(row)] = counts.get(_family_of(row), 0) + 1
    for family, least in MIN_REAL_THEMES.items():
        assert counts.get(family, 0) >= least, f"{family}: {counts.get(family, 0)} real themes"
    profiled = {p.name for p in load_profiles()}
    assert set(MIN_REAL_THEMES) <= profiled


def _check(rec: Record, case: ThemeCase, fields: tuple[str, ...]) -> None:
    exp = case.expected
    text_key = norm_key(rec.text)
    assert text_key.count(norm_key(exp["lead"])) == 1, "the lead exactly once"
    for para in exp["text"].split("\n\n"):
        assert norm_key(para) in text_key
    for furniture in case.absent:
        assert furniture.casefold() not in rec.text.casefold(), furniture
    for name in fields:
        got = getattr(rec, name)
        if name == "published_at":
            got = got.isoformat() if got else None
        assert got == exp[name], f"{name}: {got!r} != {exp[name]!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_real_theme_page_gives_its_record(case: ThemeCase) -> None:
    rec = clean_html(case.html, case.url)
    assert isinstance(rec, Record), rec
    assert rec.family == case.family
    _check(rec, case, ("title", "author", "source", "published_at"))


@pytest.mark.parametrize("name", ["nv3.0.12_default-0", "nv4.5.05_default-0",
                                  "egov1.2.00_egov-1", "nv4.5.05_mobile_default-1"])
def test_profile_selectors_removed_still_give_the_record(name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    rec = clean_html(redesigned(case.html), case.url)
    assert isinstance(rec, Record), rec
    assert rec.family == case.family and rec.extraction == "generic_fallback"
    _check(rec, case, ("title", "author", "published_at"))


def test_a_profile_that_reads_all_fields_says_profile() -> None:
    case = next(c for c in CASES if c.name == "nv4.5.05_default-0")
    rec = clean_html(case.html, case.url)
    assert rec.extraction == "profile" and rec.fallback_fields == []


def test_templates_are_kept_whole() -> None:
    for path in THEMES.glob("*.tpl"):
        text = path.read_text(encoding="utf-8")
        assert "<!-- BEGIN: main -->" in text and "<!-- END: main -->" in text
        assert Path(path).stat().st_size > 3000
