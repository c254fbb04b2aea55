"""Article or not, title and date on ``../shared/realpages`` (issue 12 targets).

Usage: ``python bench/realpages.py [--shared ../shared] [--markdown]``

Every HTML page of ``realpages/MANIFEST.tsv`` goes through ``clean()``. Expected outcomes
are written by hand from what each page shows (its ``<h1>``, its visible dateline, what
kind of page it is), not from micnews output:

* the 8 ``*_list.html`` pages of tracking_news_mcp are listings: refused;
* the 11 news articles (9 of tracking_news_mcp, fundus and htmldate VnExpress) are records
  with the title and the date (to the minute) their page shows;
* the 9 pages of the Sở TT&TT Hà Nội portal (an HTTrack copy saved 2022-08-27) are a home
  page, contact, Q&A, organisation and category pages: none an article; and no page at all
  may carry an invented date (the HTTrack save date above all).
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from micnews.cleaners.clean import clean  # noqa: E402
from micnews.cleaners.record import VN_TZ, NotArticle, Page, Record  # noqa: E402

# local_file -> (title, (y, m, d, H, M)) as the page shows them
ARTICLES = {
    "fundus/vnexpress_2025_10_22.html": (
        "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non", (2025, 10, 22, 19, 25)),
    "htmldate/VnExpress.net-Kinh-doanh.html": (
        "Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ gia cảnh tính thuế cá nhân khi sửa luật",
        (2023, 11, 2, 19, 20)),
    "tracking_news_mcp/baochinhphu_article.html": (
        "Chính sách mới có hiệu lực từ tháng 3/2026", (2026, 3, 1, 9, 51)),
    "tracking_news_mcp/baodautu_article.html": (
        "Xử phạt Giám đốc tài chính Tập đoàn Tiên Sơn Thanh Hoá vì thao túng cổ phiếu",
        (2026, 3, 7, 8, 47)),
    "tracking_news_mcp/cafef_article.html": (
        "Thời điểm nâng hạng cận kề, MBS điểm tên 30 cổ phiếu Việt Nam có khả năng lọt rổ chỉ "
        "số FTSE", (2026, 3, 7, 0, 1)),
    "tracking_news_mcp/cafef_article_batdongsan.html": (
        "Tăng hỗ trợ, giảm áp lực tài chính khi chuyển mục đích sử dụng đất",
        (2026, 3, 7, 9, 40)),
    "tracking_news_mcp/dantri_article.html": (
        "Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng", (2026, 3, 7, 8, 7)),
    "tracking_news_mcp/nld_article.html": (
        "Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định mới về thuế",
        (2026, 3, 7, 8, 6)),
    "tracking_news_mcp/tuoitre_article.html": (
        "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh", (2026, 3, 7, 8, 1)),
    "tracking_news_mcp/vietnamnet_article.html": (
        "Cổ phiếu FLC được giao dịch trở lại", (2026, 3, 7, 8, 52)),
    "tracking_news_mcp/vnexpress_article.html": (
        "Cách các nước đối phó cú sốc năng lượng từ Trung Đông", (2026, 3, 7, 0, 5)),
}
SAVED_ON = datetime(2022, 8, 27).date()  # the HTTrack copy's date: never a publication date


def run(shared: Path) -> tuple[list[list[str]], dict[str, str]]:
    """Table rows and the three target counts."""
    base = shared / "realpages"
    with (base / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["local_file"].endswith(".html")]
    table = []
    listings = refused = as_listing = articles = right = invented = 0
    for row in rows:
        name, url = row["local_file"], row["page_url"] or f"https://example.vn/{row['local_file']}"
        result = clean(Page(url, (base / name).read_bytes(), {}))
        verdict = ""
        if name.endswith("_list.html"):
            listings += 1
            refused += isinstance(result, NotArticle)
            said = isinstance(result, NotArticle) and result.reason.startswith("listing:")
            as_listing += said
            verdict = ("ok" if said else "refused, but not as a listing") if isinstance(
                result, NotArticle) else "WRONG: listing stored"
        elif name in ARTICLES:
            articles += 1
            title, when = ARTICLES[name]
            ok = isinstance(result, Record) and result.title == title and (
                result.published_at is not None
                and result.published_at.replace(second=0, microsecond=0)
                == datetime(*when, tzinfo=VN_TZ))
            right += ok
            verdict = "ok" if ok else "WRONG"
        elif name.startswith("sotttt"):
            verdict = "ok" if isinstance(result, NotArticle) else "WRONG: stored"
        if isinstance(result, Record) and result.published_at is not None and (
            result.published_at.date() == SAVED_ON
            or (name in ARTICLES and result.published_at.date() != datetime(
                *ARTICLES[name][1]).date())
        ):
            invented += 1
            verdict += " INVENTED DATE"
        if isinstance(result, Record):
            got = f"record: {result.title!r}, {result.published_at:%Y-%m-%d %H:%M}" if \
                result.published_at else f"record: {result.title!r}, no date"
        else:
            got = f"not an article: {result.reason}"
        table.append([name, got, verdict])
    summary = {"listings refused": f"{refused}/{listings}",
               "listings refused as listings": f"{as_listing}/{listings}",
               "articles with right title and date": f"{right}/{articles}",
               "pages with an invented date": str(invented)}
    return table, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    if not (args.shared / "realpages" / "MANIFEST.tsv").exists():
        print(f"{args.shared}/realpages absent", file=sys.stderr)
        return 1
    table, summary = run(args.shared)
    if args.markdown:
        print("| page | micnews | expected? |\n|---|---|---|")
        for r in table:
            print("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
        print()
        for k, v in summary.items():
            print(f"- {k}: **{v}**")
    else:
        for r in table:
            print("  ".join(r))
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
