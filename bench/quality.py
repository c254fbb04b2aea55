"""Extraction quality: micnews ``micnews.cleaners.clean`` side by side with plain trafilatura.

Usage: ``python bench/quality.py [--shared ../shared] [--markdown]``

Groups: known families (``tests/fixtures/pages``), the unknown family
(``tests/fixtures/generic``), real pages (the fundus VnExpress article) and, when present,
the Zyte article-extraction benchmark. Per group and system: body token F1 (bag of ``\\w+``
lower-cased tokens; for Zyte also the benchmark's 4-token shingle F1), pages with a
boilerplate marker left, pages with the lead twice, and exact-match rates for title,
published_at (to the minute), author and source.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from micnews.cleaners.clean import clean, learn_template, site_of  # noqa: E402
from micnews.cleaners.decode import decode_html  # noqa: E402
from micnews.cleaners.record import VN_TZ, Page, Record  # noqa: E402
from micnews.cleaners.templates import TemplateRegistry  # noqa: E402
from micnews.cleaners.textnorm import norm_key  # noqa: E402

# Page furniture named in SITES.md and seen in the seeds: none may survive in a body.
BOILERPLATE_MARKERS = (
    "ĐÁNH GIÁ BÀI VIẾT", "Xem cỡ chữ", "Tăng tương phản", "Giảm tương phản", "Mã Captcha",
    "Gửi bình luận", "Tích chọn để xác nhận", "Tổng số điểm của bài viết",
    "Click để đánh giá bài viết", "Những tin mới hơn", "Những tin cũ hơn",
    "Bạn đã không sử dụng Site", "duy trì trạng thái đăng nhập", "Thời gian chờ:",
    "Trình duyệt của bạn đã tắt chức năng", "Cổng dịch vụ công Quốc Gia",
    "Những thông tin thủ tục hành chính", "Chính sách pháp luật Việt Nam",
    "Giới thiệu Sản phẩm dịch vụ", "Cổng thông tin điện tử của các đơn vị thuộc Bộ",
    "Skip Ribbon Commands", "Tin đăng ngày", "Xem chi tiết icon",
    # the generic fixture site's template
    "Chung tay xây dựng chính quyền số", "Cơ quan chủ quản:",
)
_LINE_MARKERS = ("img", "icon", "banner", "Top", "Doanh nghiệp")
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """``\\w+`` tokens, lower-cased."""
    return _WORD.findall((text or "").lower())


def token_f1(got: str, want: str) -> float:
    """Bag-of-tokens F1 between two texts (1.0 when both are empty)."""
    a, b = Counter(tokens(got)), Counter(tokens(want))
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def shingle_counts(got: str, want: str, n: int = 4) -> tuple[float, float, float]:
    """Zyte benchmark: (tp, fp, fn) of ``\\w+`` n-shingles, normalised to sum to 1."""

    def sh(text: str) -> Counter[tuple[str, ...]]:
        t = _WORD.findall(text or "")
        return Counter(tuple(t[i : i + n]) for i in range(max(0, len(t) - n + 1)))

    g, w = sh(got), sh(want)
    tp = sum((g & w).values())
    fp = sum((g - w).values())
    fn = sum((w - g).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def boilerplate_left(text: str, absent: Iterable[str] = ()) -> bool:
    """Does any known boilerplate marker (or a page's own ``absent`` text) survive?"""
    if any(m.casefold() in text.casefold() for m in (*BOILERPLATE_MARKERS, *absent)):
        return True
    lines = {line.strip() for line in text.splitlines()}
    return any(m in lines for m in _LINE_MARKERS)


def lead_twice(text: str, lead: str | None) -> bool:
    """Is the expected lead in the text more than once (normalised comparison)?"""
    if not lead or len(lead) < 20:
        return False
    key = norm_key(lead)[:120]
    return norm_key(text).count(key) >= 2


def lead_count(text: str, lead: str | None) -> int | None:
    """How many times the expected lead is in the text (None: no lead expected)."""
    if not lead or len(lead) < 20:
        return None
    return norm_key(text).count(norm_key(lead)[:120])


@dataclass
class Output:
    """What one system produced for one page."""

    text: str = ""
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    source: str | None = None
    record: bool = True


@dataclass
class Case:
    """One page to score: bytes, URL and the expected fields present for it."""

    group: str
    url: str
    body: bytes
    headers: dict[str, str]
    expected: dict
    fields: tuple[str, ...] = ()


@dataclass
class Score:
    """Per-page scores of one system."""

    f1: float
    shingles: tuple[float, float, float] | None
    boilerplate: bool
    lead_twice: bool
    exact: dict[str, bool] = field(default_factory=dict)
    no_record: bool = False
    lead_not_once: bool = False


def _minute(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M")


def score_page(out: Output, expected: dict, fields: Iterable[str], zyte: bool = False) -> Score:
    """Score one system's output against the expected fields of one page."""
    want = expected.get("text") or ""
    exact: dict[str, bool] = {}
    for name in fields:
        if name == "published_at":
            exact[name] = _minute(out.published_at) == _minute(expected.get(name))
        else:
            got, exp = getattr(out, name), expected.get(name)
            exact[name] = (norm_key(got) if got else None) == (norm_key(exp) if exp else None)
    return Score(
        f1=token_f1(out.text, want),
        shingles=shingle_counts(out.text, want) if zyte else None,
        boilerplate=boilerplate_left(out.text, expected.get("absent", ())),
        lead_twice=lead_twice(out.text, expected.get("lead")),
        exact=exact,
        no_record=not out.record,
        lead_not_once=lead_count(out.text, expected.get("lead")) not in (None, 1),
    )


# --- the two systems ---------------------------------------------------------------------
def run_micnews(case: Case, registry: TemplateRegistry | None) -> Output:
    """micnews ``clean`` (with the group's site templates when given)."""
    template = registry.template(site_of(case.url)) if registry else None
    rec = clean(Page(case.url, case.body, case.headers), template)
    if not isinstance(rec, Record):
        return Output(record=False)
    return Output(rec.text, rec.title, rec.published_at, rec.author, rec.source)


def run_trafilatura(case: Case) -> Output:
    """Plain trafilatura: ``extract`` with defaults for the body, ``bare_extraction`` for
    the metadata (its date is a day: midnight)."""
    html = decode_html(case.body, case.headers.get("content-type")).html
    text = trafilatura.extract(html, url=case.url) or ""
    meta = trafilatura.bare_extraction(html, url=case.url, with_metadata=True)
    title = author = None
    published = None
    if meta is not None:
        title, author = meta.title, meta.author
        if meta.date:
            try:
                published = datetime.fromisoformat(meta.date).replace(tzinfo=VN_TZ)
            except ValueError:
                published = None
    return Output(text, title, published, author, None, record=bool(text))


# --- loading the groups --------------------------------------------------------------------
FIELDS = ("title", "published_at", "author", "source")


def _fixture_cases(folder: Path, group: str) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.json")):
        html = path.with_suffix(".html")
        if not html.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append(Case(group, data["url"], html.read_bytes(), data.get("headers") or {},
                          data["expected"], FIELDS))
    return cases


def _variant_cases(folder: Path, group: str) -> list[Case]:
    """The known-family pages in every encoding variant the sites serve (cp1258, NFD,
    mojibake, no charset header): the scores must not move."""
    from tests.fixtures.pages._variants import variants

    cases = []
    for case in _fixture_cases(folder, group):
        for body, headers in variants(case.body.decode("utf-8")).values():
            cases.append(Case(group, case.url, body, headers, case.expected, case.fields))
    return cases


def _theme_cases() -> list[Case]:
    """Pages rendered from real NukeViet theme templates (``tests/fixtures/themes``): the
    expected record is typed from the article, ``absent`` lists the furniture that must go.
    Again with the body containers renamed: what the fallback gives when a theme changes."""
    from tests.fixtures.themes._render import cases, redesigned

    return [Case(group, c.url, page(c.html).encode("utf-8"),
                 {"content-type": "text/html; charset=utf-8"},
                 {**c.expected, "absent": c.absent}, FIELDS)
            for group, page in (("real NukeViet themes", str),
                                ("real themes, body renamed (fallback)", redesigned))
            for c in cases()]


def _realpage_cases(shared: Path) -> list[Case]:
    base = shared / "realpages" / "fundus" / "vnexpress_2025_10_22"
    if not base.with_suffix(".html").exists():
        return []
    gt = json.loads(base.with_suffix(".expected.json").read_text(encoding="utf-8"))
    gt = next(iter(gt.values())) if "title" not in gt else gt
    authors = gt.get("authors") or []
    summary = " ".join((gt.get("body") or {}).get("summary") or [])
    expected = {
        "text": base.with_suffix(".expected.txt").read_text(encoding="utf-8"),
        "title": gt.get("title"),
        "author": ", ".join(authors) or None,
        "lead": summary or None,
        "published_at": gt.get("publishing_date"),
        "source": None,
    }
    url = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"
    return [Case("realpages", url, base.with_suffix(".html").read_bytes(),
                 {"content-type": "text/html; charset=utf-8"}, expected,
                 ("title", "published_at", "author"))]


def _zyte_cases(shared: Path) -> list[Case]:
    base = shared / "benchmarks" / "zyte-article-extraction"
    gt_path = base / "ground-truth.json"
    if not gt_path.exists():
        return []
    truth = json.loads(gt_path.read_text(encoding="utf-8"))
    cases = []
    for key, item in sorted(truth.items()):
        path = base / "html" / f"{key}.html.gz"
        if path.exists():
            cases.append(Case("zyte", item.get("url") or f"https://example.com/{key}",
                              gzip.decompress(path.read_bytes()), {},
                              {"text": item.get("articleBody") or ""}, ()))
    return cases


def load_cases(shared: Path) -> list[Case]:
    """Every page of every group that is present."""
    return (
        _fixture_cases(ROOT / "tests" / "fixtures" / "pages", "known families")
        + _variant_cases(ROOT / "tests" / "fixtures" / "pages", "known, re-encoded")
        + _fixture_cases(ROOT / "tests" / "fixtures" / "generic", "unknown family")
        + _theme_cases()
        + _realpage_cases(shared)
        + _zyte_cases(shared)
    )


def _registries(cases: list[Case]) -> dict[str, TemplateRegistry]:
    """Per group, the site templates learned over the group's pages (as ``clean_many``)."""
    out: dict[str, TemplateRegistry] = {}
    seen: set[tuple[str, str]] = set()
    for case in cases:
        if (case.group, case.url) in seen:  # a page in several encodings is one page
            continue
        seen.add((case.group, case.url))
        reg = out.setdefault(case.group, TemplateRegistry())
        learn_template(reg, Page(case.url, case.body, case.headers))
    return out


def _score_both(args: tuple[Case, TemplateRegistry | None]) -> tuple[str, Score, Score]:
    case, registry = args
    zyte = case.group == "zyte"
    mic = score_page(run_micnews(case, registry), case.expected, case.fields, zyte)
    tra = score_page(run_trafilatura(case), case.expected, case.fields, zyte)
    return case.group, mic, tra


# --- report --------------------------------------------------------------------------------
def summarise(scores: list[Score]) -> dict[str, str]:
    """One row of the table for one system over one group."""
    n = len(scores)
    row = {"pages": str(n), "token F1": f"{sum(s.f1 for s in scores) / n:.3f}"}
    sh = [s.shingles for s in scores if s.shingles is not None]
    if sh:
        tp, fp, fn = (sum(x[i] for x in sh) for i in range(3))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        row["shingle F1"] = f"{2 * p * r / (p + r):.3f}" if p + r else "0.000"
    else:
        row["shingle F1"] = "-"
    row["boilerplate left"] = str(sum(s.boilerplate for s in scores))
    row["lead twice"] = str(sum(s.lead_twice for s in scores))
    row["lead not once"] = str(sum(s.lead_not_once for s in scores))
    row["no record"] = str(sum(s.no_record for s in scores))
    for name in FIELDS:
        vals = [s.exact[name] for s in scores if name in s.exact]
        row[name] = f"{sum(vals) / len(vals):.2f}" if vals else "-"
    return row


def run(shared: Path, workers: int = 2, group: str | None = None) -> list[dict[str, str]]:
    """Score every group with both systems; one row per (group, system)."""
    cases = [c for c in load_cases(shared) if not group or group in c.group]
    regs = _registries([c for c in cases if c.group != "zyte"])
    jobs = [(c, regs.get(c.group)) for c in cases]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_score_both, jobs, chunksize=4))
    rows = []
    for group in dict.fromkeys(g for g, _, _ in results):
        for label, idx in (("micnews", 1), ("trafilatura", 2)):
            scores = [r[idx] for r in results if r[0] == group]
            rows.append({"group": group, "system": label, **summarise(scores)})
    return rows


def render(rows: list[dict[str, str]], markdown: bool) -> str:
    """The rows as a markdown table or aligned plain text."""
    cols = list(rows[0])
    if markdown:
        out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
        out += ["| " + " | ".join(r[c] for c in cols) + " |" for r in rows]
        return "\n".join(out)
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--group", help="score only the groups whose name contains this")
    args = parser.parse_args(argv)
    rows = run(args.shared, args.workers, args.group)
    print(render(rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
