# ruff: noqa: E501  (HTML templates and prose are written as they read, not wrapped)
"""Generate the static demo sites and the test fixture sites from article data.

``python tools/demo/build_demo.py`` rewrites ``crawler/demo/site/`` and
``crawler/demo/expected.json`` from ``tools/demo/content.py``, and
``tests/fixtures/sites/`` (+ its ``expected.json``) from ``tests/fixtures/sites/_content.py``.
The output is deterministic, so re-running it reproduces the committed files exactly.

Each site is rendered in its family's markup (see ``shared/SITES.md``): the SharePoint
mic.gov.vn portal (``mic_legacy``), the current mic.gov.vn portal (``vccorp_cms``) and a
provincial NukeViet site (``nukeviet``, 4.x pages plus a few 3.x-style ones). The
``expected.json`` entries are derived from the same data as the HTML, so the two cannot drift.

Article data (dicts) use these keys: ``id``, ``cat``, ``slug``, ``title``, ``date``
(``"YYYY-MM-DD HH:MM"``), ``lead``, ``variant`` (how the body repeats the lead: ``verbatim``,
``nbsp``, ``truncated``, ``prefix`` with ``extra``, ``none``), ``body`` (a string is a paragraph,
``("img", path, caption)`` an image), ``byline`` (right-aligned bold lines after the body),
``labels`` (NukeViet ``Tác giả:``/``Nguồn tin:`` lines), ``tag`` (the lead's source prefix),
``home_image`` (NukeViet), ``version`` (NukeViet ``4.3``/``4.5``/``3``), ``tags``,
``author``/``source`` (the truth for expected.json).
"""

from __future__ import annotations

import html
import importlib.util
import json
import shutil
import sys
from datetime import datetime
from email.utils import format_datetime
from html.entities import codepoint2name
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent  # tools/demo: the generator and its article data
REPO = HERE.parents[1]
DEMO = REPO / "crawler" / "demo"  # what ships: the built site and its expected records
VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
OFFSITE = [
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", "Cổng Dịch vụ công Quốc gia"),
    ("https://chinhphu.vn/", "Cổng Thông tin điện tử Chính phủ"),
    ("https://vanban.chinhphu.vn/", "Hệ thống văn bản Chính phủ"),
]
Article = dict[str, Any]


# ---------------------------------------------------------------- helpers
def esc(text: str) -> str:
    """HTML-escape text for element content and attributes."""
    return html.escape(text, quote=True)


def entities(text: str) -> str:
    """Escape like the 2000s editors did: every Latin-1 letter and typographic mark as an entity."""
    out = []
    for ch in esc(text):
        name = codepoint2name.get(ord(ch))
        out.append(f"&{name};" if name and ord(ch) > 127 else ch)
    return "".join(out)


def when(article: Article) -> datetime:
    """The article's publication time, aware, +07:00."""
    return datetime.strptime(article["date"], "%Y-%m-%d %H:%M").replace(tzinfo=VN)


def dmy(dt: datetime) -> str:
    return dt.strftime("%d/%m/%Y")


def sa_ch(dt: datetime) -> str:
    """``17/03/2016 02:45 CH``: vi-VN 12-hour clock (SA = a.m., CH = p.m.)."""
    hour = dt.hour % 12 or 12
    return f"{dmy(dt)} {hour:02d}:{dt.minute:02d} {'SA' if dt.hour < 12 else 'CH'}"


def paragraphs(article: Article) -> list[str]:
    return [b for b in article["body"] if isinstance(b, str)]


def images(article: Article) -> list[tuple[str, str | None]]:
    found = [(b[1], b[2]) for b in article["body"] if not isinstance(b, str)]
    if article.get("home_image"):
        found.insert(0, tuple(article["home_image"]))
    return found


def first_words(text: str, n: int = 8) -> str:
    return " ".join(text.split()[:n])


def expected_record(article: Article) -> dict[str, Any]:
    """What a careful editor records for the article (expected.json entry)."""
    lead = article["lead"]
    variant = article.get("variant", "none")
    first = paragraphs(article)[0]
    if variant == "prefix":
        first = article["extra"]
    return {
        "title": article["title"],
        "lead": lead,
        "published_at": when(article).isoformat(),
        "author": article.get("author"),
        "source": article.get("source"),
        "images": [{"url": u, "caption": c} for u, c in images(article)],
        "body_first_words": first_words(first),
    }


def summary_text(article: Article) -> str:
    """The lead as the page's summary box shows it (truncated for ``truncated``)."""
    lead = article["lead"]
    if article.get("variant") == "truncated":
        words = lead.split()
        cut = " ".join(words[: max(8, len(words) * 3 // 5)]).rstrip(",;:")
        return cut + ("…" if article["id"] % 2 else "...")
    return lead


def lead_copy_html(article: Article, enc=esc) -> str | None:
    """The lead as repeated inside the body (None when the page does not repeat it)."""
    lead = article["lead"]
    variant = article.get("variant", "none")
    if variant in ("verbatim", "truncated"):
        return enc(lead)
    if variant == "prefix":
        return enc(lead) + " " + enc(article["extra"])
    if variant == "nbsp":
        words = [enc(w) for w in lead.split(" ")]
        words[1] = '<span style="font-size: 10pt;">' + words[1]
        words[3] = words[3] + "</span>"
        text = words[0]
        for i, w in enumerate(words[1:], 1):
            text += ("&nbsp;" if i in (2, 5) else " ") + w
        return text
    return None


class Site:
    """Collects the files of one site, then writes them."""

    def __init__(self, name: str, spec: dict[str, Any]):
        self.name = name
        self.spec = spec
        self.files: dict[str, bytes | str] = {}
        self.articles: list[Article] = sorted(spec["articles"], key=when, reverse=True)
        self.cats = spec["categories"]

    def add(self, path: str, content: bytes | str) -> None:
        rel = path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        elif "." not in rel.rsplit("/", 1)[-1]:
            rel += "/index.html"  # extension-less URL: served as a directory index
        self.files[rel] = content

    def in_cat(self, key: str) -> list[Article]:
        return [a for a in self.articles if a["cat"] == key]

    def pages(self, key: str) -> list[list[Article]]:
        items, size = self.in_cat(key), self.spec.get("page_size", 3)
        return [items[i:i + size] for i in range(0, len(items), size)] or [[]]

    def write(self, root: Path) -> None:
        target = root / self.name
        if target.exists():
            shutil.rmtree(target)
        for rel, content in sorted(self.files.items()):
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, "utf-8", newline="\n")
            else:
                path.write_bytes(content)


def robots(extra_disallow: list[str] = ()) -> str:
    lines = ["User-agent: *", "Disallow: /admin/", *(f"Disallow: {p}" for p in extra_disallow)]
    return "\n".join([*lines, "", "Sitemap: {{BASE}}/sitemap.xml", ""])


def urlset(site: Site, url_of) -> str:
    rows = [
        f"  <url>\n    <loc>{{{{BASE}}}}{esc(url_of(a))}</loc>\n"
        f"    <lastmod>{when(a).isoformat()}</lastmod>\n  </url>"
        for a in site.articles
    ]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n")


def rss(site: Site, url_of, title: str, self_path: str, limit: int = 10) -> str:
    items = []
    for a in site.articles[:limit]:
        link = "{{BASE}}" + url_of(a)
        items.append(
            f"    <item>\n      <title>{esc(a['title'])}</title>\n      <link>{esc(link)}</link>\n"
            f"      <guid isPermaLink=\"true\">{esc(link)}</guid>\n"
            f"      <pubDate>{format_datetime(when(a))}</pubDate>\n"
            f"      <description><![CDATA[{a['lead']}]]></description>\n    </item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n  <channel>\n'
            f"    <title>{esc(title)}</title>\n    <link>{{{{BASE}}}}/</link>\n"
            f"    <description>{esc(title)}</description>\n    <language>vi</language>\n"
            f'    <atom:link href="{{{{BASE}}}}{self_path}" rel="self" '
            'type="application/rss+xml"/>\n'
            + "\n".join(items) + "\n  </channel>\n</rss>\n")


def admin_page(site_title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Đăng nhập quản trị - {esc(site_title)}</title></head>
<body><div class="login-box"><h1>Đăng nhập hệ thống quản trị</h1>
<form method="post" action="/admin/"><label>Tên đăng nhập <input name="u"></label>
<label>Mật khẩu <input name="p" type="password"></label><button>Đăng nhập</button></form>
<p><a href="/">Quay lại trang chủ</a></p></div></body></html>
"""


def views(article: Article) -> str:
    return f"{(article['id'] * 7919) % 9000 + 120:,}".replace(",", ".")


# ---------------------------------------------------------------- family 1: mic.gov.vn SharePoint
def legacy_url(a: Article) -> str:
    return f"/Pages/TinTuc/{a['id']}/{a['slug']}.html"


def legacy_cat_url(site: Site, key: str, page: int = 1) -> str:
    cat = site.cats[key]
    return f"/mic_2020/Pages/ChuyenMuc/PhanTrang/{cat['id']}/{page}/{cat['slug']}.html"


def legacy_page(site: Site, title: str, path: str, main: str) -> str:
    menu = "\n".join(
        f'          <li><a href="{legacy_cat_url(site, k)}">{esc(c["name"])}</a></li>'
        for k, c in site.cats.items())
    popular = "\n".join(
        f'          <li><a href="{legacy_url(a)}">{esc(a["title"])}</a></li>'
        for a in sorted(site.articles, key=lambda a: a["id"] % 7)[:4])
    links = "\n".join(f'          <li><a href="{u}" target="_blank">{esc(t)}</a></li>'
                      for u, t in OFFSITE)
    extra = "\n".join(f'          <li><a href="{u}">{esc(t)}</a></li>'
                      for u, t in site.spec.get("extra_links", []))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr" lang="vi-VN">
<head>
<meta http-equiv="X-UA-Compatible" content="IE=10" />
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="GENERATOR" content="Microsoft SharePoint" />
<title>{esc(title)}</title>
<link rel="canonical" href="{{{{BASE}}}}{esc(path)}" />
<link rel="alternate" type="application/rss+xml" title="Tin tức - Bộ Thông tin và Truyền thông" href="{{{{BASE}}}}/rss.xml" />
<link rel="stylesheet" type="text/css" href="/_layouts/15/1066/styles/Themable/corev15.css" />
<link rel="stylesheet" type="text/css" href="/Style%20Library/mic/css/style.css" />
<script type="text/javascript">var _spPageContextInfo = {{webServerRelativeUrl: "\\u002f", webLanguage: 1066, currentLanguage: 1066}};</script>
</head>
<body>
<div id="s4-workspace"><div id="s4-bodyContainer">
  <div class="header">
    <div class="logo"><a href="/"><img src="/Style%20Library/mic/images/logo.png" alt="Bộ Thông tin và Truyền thông" /></a></div>
    <div class="site-name"><span class="vn">BỘ THÔNG TIN VÀ TRUYỀN THÔNG</span><span class="en">MINISTRY OF INFORMATION AND COMMUNICATIONS</span></div>
    <div class="search"><input type="text" title="Tìm kiếm" value="Tìm kiếm..." /><a href="javascript:void(0)" onclick="DoSearch()"><img src="/Style%20Library/mic/images/search.png" alt="Tìm kiếm" /></a></div>
  </div>
  <div class="menu-top">
    <ul>
      <li class="home"><a href="/">Trang chủ</a></li>
{menu}
      <li><a href="https://dichvucong.mic.gov.vn/" target="_blank">Dịch vụ công trực tuyến</a></li>
    </ul>
  </div>
  <div class="marquee">Chào mừng bạn đến với Cổng thông tin điện tử Bộ Thông tin và Truyền thông</div>
  <div class="main-content">
    <div class="col-left">
{main}
    </div>
    <div class="col-right">
      <div class="box-right"><h3 class="title-box">Tin đọc nhiều</h3>
        <ul class="list-hot">
{popular}
        </ul>
      </div>
      <div class="box-right"><h3 class="title-box">Văn bản mới</h3>
        <ul class="list-vanban">
          <li><a href="/Uploads/VanBan/ke-hoach-ung-dung-cntt.pdf">Kế hoạch ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước (tệp PDF)</a></li>
        </ul>
      </div>
      <div class="box-right"><h3 class="title-box">Liên kết website</h3>
        <ul class="lienket">
{links}
{extra}
        </ul>
      </div>
    </div>
  </div>
  <div class="footer">
    <p><strong>Cổng thông tin điện tử Bộ Thông tin và Truyền thông</strong></p>
    <p>Giấy phép số 1010/GP-BC do Cục Báo chí cấp. Địa chỉ: 18 Nguyễn Du, Hà Nội. Điện thoại: 024.39437937</p>
    <p>Ghi rõ nguồn "Cổng thông tin điện tử Bộ Thông tin và Truyền thông" khi phát hành lại thông tin từ website này. <a href="/admin/">Quản trị</a></p>
  </div>
</div></div>
</body>
</html>
"""


def legacy_article(site: Site, a: Article) -> str:
    dt = when(a)
    old = dt.year <= 2012
    enc = entities if old else esc
    body = []
    copy = lead_copy_html(a, enc)
    if copy is not None:
        if a.get("variant") == "truncated":
            copy = enc(a["lead"])
        body.append(f'<p style="text-align: justify;">{copy}</p>')
    for item in a["body"]:
        if isinstance(item, str):
            body.append(f'<p style="text-align: justify;">{enc(item)}</p>')
        else:
            _, src, caption = item
            body.append(f'<p style="text-align: center;"><img alt="{esc(src.rsplit("/", 1)[1])}" '
                        f'src="{esc(src)}" style="width: 500px;" /></p>')
            if caption:
                body.append(f'<p style="text-align: center;"><em>{enc(caption)}</em></p>')
    bylines = "\n".join(f'        <p align="right"><strong>{esc(b)}</strong></p>'
                        for b in a.get("byline", []))
    tag = a.get("tag", "(Mic.gov.vn) –")
    others = "\n".join(
        f'          <li><a href="{legacy_url(o)}">{esc(o["title"])}</a> '
        f'<span class="date">({dmy(when(o))})</span></li>'
        for o in [o for o in site.articles if o is not a][:6])
    cat = site.cats[a["cat"]]
    stars = "".join(f'<input type="radio" name="rating" class="star" value="{i}" title="{i}" />'
                    for i in range(1, 6))
    body_html = "\n          ".join(body)
    main = f"""      <div id="news_content">
        <div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="{legacy_cat_url(site, a['cat'])}">{esc(cat['name'])}</a></div>
        <div class="title_news"><h1>{esc(a['title'])}</h1></div>
        <div class="date-detail"><span>{sa_ch(dt)}</span></div>
        <div class="tien-ich">
          <span class="font-size">Xem cỡ chữ <a href="javascript:void(0)" onclick="ChangeFont(1)">A+</a> <a href="javascript:void(0)" onclick="ChangeFont(-1)">A-</a></span>
          <img src="/Style%20Library/mic/images/tang-tuong-phan.png" title="Tăng tương phản" alt="Tăng tương phản" onclick="Contrast(1)" />
          <img src="/Style%20Library/mic/images/giam-tuong-phan.png" title="Giảm tương phản" alt="Giảm tương phản" onclick="Contrast(-1)" />
          <a href="javascript:void(0)" onclick="ReadAloud()" title="Đọc bài"><img src="/Style%20Library/mic/images/doc-bai.png" alt="Đọc bài" /></a>
          <a href="/pages/tintuc/printpage.aspx?tintucID={a['id']}" target="_blank" title="In bài"><img src="/Style%20Library/mic/images/print.png" alt="In bài" /></a>
          <a href="javascript:void(0)" onclick="SendMail({a['id']})" title="Gửi bài"><img src="/Style%20Library/mic/images/email.png" alt="Gửi bài" /></a>
        </div>
        <div id="divArticleDescription" class="description" style="font-weight: bold;">{esc(tag)}<strong>{esc(summary_text(a))}</strong></div>
        <div id="divArticleContent" class="content-news">
          {body_html}
        </div>
{bylines}
        <div class="view-count">Lượt xem: {views(a)}</div>
        <div class="tien-ich">
          <span class="rating-title">ĐÁNH GIÁ BÀI VIẾT(  0)</span>
          <span class="rating">{stars}</span>
        </div>
        <div class="comment" style="display: none;">
          <h3>Ý kiến bạn đọc</h3>
          <table>
            <tr><td>Họ và tên:</td><td><input type="text" name="hoten" /></td></tr>
            <tr><td>Email:</td><td><input type="text" name="email" /></td></tr>
            <tr><td>Nội dung:</td><td><textarea name="noidung"></textarea></td></tr>
            <tr><td>Mã Captcha:</td><td><input type="text" name="captcha" /> <img src="/_layouts/mic/captcha.ashx" alt="captcha" /></td></tr>
          </table>
          <p><input type="checkbox" name="xacnhan" /> (Tích chọn để xác nhận bạn là bạn đọc, không phải là người máy tự động)</p>
          <input type="button" value="Gửi bình luận" />
        </div>
        <div class="other-news">
          <h3>Các tin khác</h3>
          <ul>
{others}
          </ul>
        </div>
      </div>"""
    return legacy_page(site, a["title"], legacy_url(a), main)


def legacy_print(a: Article) -> str:
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs(a))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(a['title'])}</title><meta name="robots" content="noindex" /></head>
<body onload="window.print()"><div class="print-page">
<h1>{esc(a['title'])}</h1><p class="date">{sa_ch(when(a))}</p>
<p><strong>{esc(a['lead'])}</strong></p>
{body}
</div></body></html>
"""


def legacy_item(a: Article) -> str:
    thumb = images(a)[0][0] if images(a) else "/Style%20Library/mic/images/no-image.jpg"
    return f"""        <div class="item-news">
          <a href="{legacy_url(a)}"><img src="{esc(thumb)}" alt="{esc(a['title'])}" class="thumb" /></a>
          <h3><a href="{legacy_url(a)}">{esc(a['title'])}</a></h3>
          <span class="date">{dmy(when(a))}</span>
          <p class="sapo">{esc(summary_text(a))}</p>
        </div>"""


def build_legacy(site: Site) -> None:
    for key, cat in site.cats.items():
        pages = site.pages(key)
        for n, items in enumerate(pages, 1):
            paging = " ".join(
                f'<a href="{legacy_cat_url(site, key, i)}"'
                + (' class="active"' if i == n else "") + f">{i}</a>"
                for i in range(1, len(pages) + 1))
            if n < len(pages):
                paging += f' <a href="{legacy_cat_url(site, key, n + 1)}">»</a>'
            main = (f'      <div class="list-news">\n        <h2 class="title-cat">'
                    f'{esc(cat["name"])}</h2>\n' + "\n".join(legacy_item(a) for a in items)
                    + f'\n        <div class="paging">Trang: {paging}</div>\n      </div>')
            path = legacy_cat_url(site, key, n)
            site.add(path, legacy_page(site, f"{cat['name']} - Trang {n}", path, main))
    latest = "\n".join(legacy_item(a) for a in site.articles[:3])
    blocks = []
    for key, cat in site.cats.items():
        lis = "\n".join(f'          <li><a href="{legacy_url(a)}">{esc(a["title"])}</a></li>'
                        for a in site.in_cat(key)[:2])
        blocks.append(f'      <div class="box-cat"><h2><a href="{legacy_cat_url(site, key)}">'
                      f'{esc(cat["name"])}</a></h2>\n        <ul>\n{lis}\n        </ul>\n'
                      f'        <a class="more" href="{legacy_cat_url(site, key)}">Xem tiếp</a>'
                      "\n      </div>")
    main = ('      <div class="hot-news"><h2 class="title-cat">Tin mới</h2>\n' + latest
            + "\n      </div>\n" + "\n".join(blocks))
    site.add("/", legacy_page(site, "Bộ Thông tin và Truyền thông", "/", main))
    for a in site.articles:
        site.add(legacy_url(a), legacy_article(site, a))
        site.add(f"/pages/tintuc/printpage.aspx@tintucID={a['id']}", legacy_print(a))
    site.add("/robots.txt", robots(["/pages/tintuc/printpage.aspx"]))
    site.add("/sitemap.xml", urlset(site, legacy_url))
    site.add("/rss.xml", rss(site, legacy_url, "Tin tức - Bộ Thông tin và Truyền thông",
                             "/rss.xml"))
    site.add("/admin/", admin_page("Bộ Thông tin và Truyền thông"))
    site.add("/Uploads/VanBan/ke-hoach-ung-dung-cntt.pdf", TINY_PDF)


# ---------------------------------------------------------------- family 2: current mic.gov.vn
def current_url(a: Article) -> str:
    dt = when(a)
    return f"/{a['slug']}-{a['id'] % 900 + 100}{dt:%y%m%d%H%M%S}{a['id'] % 1000:03d}.htm"


def current_cat_url(key: str, page: int = 1) -> str:
    return f"/{key}.htm" if page == 1 else f"/{key}/trang-{page}.htm"


SERVICE_BOXES = [
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", "icon-dvc.png",
     ("Cổng dịch vụ công", "Quốc Gia"),
     ("Những thông tin thủ tục hành chính", "khai báo online tại đây")),
    ("https://vbpl.vn/", "icon-phapluat.png", ("Chính sách", "pháp luật Việt Nam"),
     ("Cập nhật thông tin, chính sách", "pháp luật Việt Nam")),
    ("https://mic.gov.vn/san-pham-dich-vu.htm", "icon-sanpham.png",
     ("Giới thiệu", "Sản phẩm dịch vụ"),
     ("Nơi giới thiệu những sản phẩm,", "dịch vụ tốt nhất dành cho bạn đọc")),
]


def current_page(site: Site, title: str, path: str, main: str, head: str = "") -> str:
    menu = "\n".join(f'        <li class="menu-item"><a href="{current_cat_url(k)}" '
                     f'title="{esc(c["name"])}">{esc(c["name"])}</a></li>'
                     for k, c in site.cats.items())
    boxes = []
    for url, icon, (t1, t2), (d1, d2) in SERVICE_BOXES:
        boxes.append(f"""        <div class="service-item">
          <img src="/images/{icon}" alt="icon" class="service-icon">
          <div class="service-text">
            <p class="service-title">{esc(t1)}<br>{esc(t2)}</p>
            <p class="service-desc">{esc(d1)}<br>{esc(d2)}</p>
            <a href="{url}" target="_blank" rel="nofollow" class="service-more">Xem chi tiết <img src="/images/icon-arrow.png" alt="icon"></a>
          </div>
        </div>""")
    boxes_html = "\n".join(boxes)
    units = "\n".join(f'            <li><a href="{u}" target="_blank" rel="nofollow">{esc(t)}</a></li>'
                      for u, t in OFFSITE)
    extra = "\n".join(f'            <li><a href="{u}">{esc(t)}</a></li>'
                      for u, t in site.spec.get("extra_links", []))
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{{{{BASE}}}}{esc(path)}">
<meta property="og:url" content="{{{{BASE}}}}{esc(path)}">
<meta property="og:site_name" content="Bộ Thông tin và Truyền thông">
<link rel="alternate" type="application/rss+xml" title="Tin tức" href="{{{{BASE}}}}/rss/tin-tuc.rss">
<link rel="stylesheet" href="/static/css/main.min.css">
{head}</head>
<body>
<header class="header">
  <div class="header__top container">
    <a class="header__logo" href="/" title="Bộ Thông tin và Truyền thông"><img src="/images/logo-mic.png" alt="Bộ Thông tin và Truyền thông"></a>
    <div class="header__name"><p class="vn">BỘ THÔNG TIN VÀ TRUYỀN THÔNG</p><p class="en">MINISTRY OF INFORMATION AND COMMUNICATIONS</p></div>
    <form class="header__search" action="/tim-kiem.htm" method="get"><input type="text" name="keywords" placeholder="Tìm kiếm"></form>
  </div>
  <nav class="menu container">
    <ul class="menu-list">
        <li class="menu-item home"><a href="/" title="Trang chủ">Trang chủ</a></li>
{menu}
    </ul>
  </nav>
</header>
<main class="main container">
{main}
  <div class="box-service">
    <a href="https://dichvucong.gov.vn/p/home/dvc-trang-chu.html" target="_blank" rel="nofollow" class="service-banner"><img src="/images/banner-dichvucong.jpg" alt="banner"></a>
    <div class="service-list">
{boxes_html}
    </div>
  </div>
</main>
<footer class="footer">
  <div class="footer__links container">
    <div class="footer__group"><p class="footer__title">Cổng thông tin điện tử của các đơn vị thuộc Bộ</p>
        <ul>
{units}
        </ul>
    </div>
    <div class="footer__group"><p class="footer__title">Doanh nghiệp</p>
        <ul>
            <li><a href="/Uploads/van-ban/danh-sach-doanh-nghiep.pdf">Danh sách doanh nghiệp được cấp phép (PDF)</a></li>
{extra}
        </ul>
    </div>
  </div>
  <div class="footer__copyright container">
    <p>Cơ quan chủ quản: Bộ Thông tin và Truyền thông. Giấy phép số 1010/GP-BC. Địa chỉ: 18 Nguyễn Du, Hai Bà Trưng, Hà Nội.</p>
    <p>Bản quyền thuộc về Bộ Thông tin và Truyền thông. <a href="/admin/" rel="nofollow">Quản trị</a></p>
  </div>
  <a href="#" class="back-to-top" title="Top">Top</a>
</footer>
<script src="/static/js/main.min.js"></script>
</body>
</html>
"""


def current_article(site: Site, a: Article) -> str:
    dt = when(a)
    path = current_url(a)
    body, n = [], 0
    copy = lead_copy_html(a)
    if copy is not None:
        body.append(f'<p style="text-align: justify;">{copy}</p>')
    for item in a["body"]:
        if isinstance(item, str):
            body.append(f'<p style="text-align: justify;">{esc(item)}</p>')
        else:
            n += 1
            _, src, caption = item
            alt = f"{a['title']} - Ảnh {n}."
            body.append(
                f'<figure class="VCSortableInPreviewMode" type="Photo" style=""><div>'
                f'<img src="{esc(src)}" alt="{esc(alt)}" title="{esc(alt)}" rel="lightbox" '
                f'data-original="{esc(src)}" type="photo" style="max-width:100%;" width="900" '
                f'height="600"></div><figcaption class="PhotoCMS_Caption">'
                f'<p data-placeholder="Nhập chú thích ảnh">{esc(caption or "")}</p>'
                f"</figcaption></figure>")
    for b in a.get("byline", []):
        body.append(f'<p style="text-align: right;"><strong>{esc(b)}</strong></p>')
    cat = site.cats[a["cat"]]
    related = "\n".join(
        f'          <div class="box-category-item"><h3><a class="box-category-link-title" '
        f'href="{current_url(o)}" title="{esc(o["title"])}">{esc(o["title"])}</a></h3></div>'
        for o in site.in_cat(a["cat"]) if o is not a)
    image = images(a)[0][0] if images(a) else "/images/logo-mic.png"
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": "{{BASE}}" + path},
        "headline": a["title"], "description": a["lead"],
        "image": ["{{BASE}}" + image],
        "datePublished": dt.isoformat(), "dateModified": dt.isoformat(),
        "author": ({"@type": "Person", "name": a["author"]} if a.get("author") else
                   {"@type": "Organization", "name": "Bộ Thông tin và Truyền thông"}),
        "publisher": {"@type": "Organization", "name": "Bộ Thông tin và Truyền thông",
                      "logo": {"@type": "ImageObject", "url": "{{BASE}}/images/logo-mic.png"}},
    }, ensure_ascii=False, indent=1)
    head = f"""<meta name="description" content="{esc(a['lead'])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(a['title'])}">
<meta property="og:description" content="{esc(a['lead'])}">
<meta property="og:image" content="{{{{BASE}}}}{esc(image)}">
<meta property="article:published_time" content="{dt.isoformat()}">
<meta property="article:section" content="{esc(cat['name'])}">
<script type="application/ld+json">
{ld}
</script>
"""
    body_html = "\n        ".join(body)
    main = f"""  <div class="detail__layout">
    <div class="detail__main">
      <div class="detail-cate"><a href="{current_cat_url(a['cat'])}" title="{esc(cat['name'])}">{esc(cat['name'])}</a></div>
      <h1 class="detail-title" data-role="title">{esc(a['title'])}</h1>
      <div class="detail-top">
        <div class="detail-time"><div data-role="publishdate">{WEEKDAYS[dt.weekday()]}, {dmy(dt)} {dt:%H:%M}</div></div>
        <div class="detail-share"><a href="https://www.facebook.com/sharer/sharer.php?u={{{{BASE}}}}{path}" target="_blank" rel="nofollow" title="Chia sẻ Facebook">Facebook</a> <a href="javascript:void(0)" onclick="window.print()" title="In bài">In</a></div>
      </div>
      <h2 class="detail-sapo" data-role="sapo">{esc(summary_text(a))}</h2>
      <div class="detail-content afcbc-body" data-role="content">
        {body_html}
      </div>
      <div class="detail-related">
        <p class="title">Tin cùng chuyên mục</p>
        <div class="list__news">
{related}
        </div>
      </div>
    </div>
  </div>"""
    return current_page(site, a["title"], path, main, head)


def current_item(a: Article) -> str:
    thumb = images(a)[0][0] if images(a) else "/images/no-image.jpg"
    return f"""        <div class="box-category-item">
          <a class="box-category-link-with-avatar" href="{current_url(a)}" title="{esc(a['title'])}"><img src="{esc(thumb)}" alt="{esc(a['title'])}" loading="lazy"></a>
          <div class="box-category-content">
            <h3><a class="box-category-link-title" href="{current_url(a)}" title="{esc(a['title'])}">{esc(a['title'])}</a></h3>
            <span class="box-category-time">{dmy(when(a))}</span>
            <p class="box-category-sapo">{esc(summary_text(a))}</p>
          </div>
        </div>"""


def build_current(site: Site) -> None:
    for key, cat in site.cats.items():
        pages = site.pages(key)
        for n, items in enumerate(pages, 1):
            paging = "".join(
                f'<a href="{current_cat_url(key, i)}"' + (' class="active"' if i == n else "")
                + f">{i}</a>" for i in range(1, len(pages) + 1))
            main = (f'  <div class="box-category"><h1 class="box-category-title">'
                    f'{esc(cat["name"])}</h1>\n      <div class="list__news">\n'
                    + "\n".join(current_item(a) for a in items)
                    + f'\n      </div>\n      <div class="list__pagination">{paging}</div>\n  </div>')
            path = current_cat_url(key, n)
            site.add(path, current_page(site, f"{cat['name']} - Bộ Thông tin và Truyền thông",
                                        path, main))
    blocks = []
    for key, cat in site.cats.items():
        blocks.append(f'  <div class="box-category home"><h2 class="box-category-title"><a href="'
                      f'{current_cat_url(key)}">{esc(cat["name"])}</a></h2>\n'
                      '      <div class="list__news">\n'
                      + "\n".join(current_item(a) for a in site.in_cat(key)[:2])
                      + "\n      </div>\n  </div>")
    main = ('  <div class="box-focus"><h2 class="box-category-title">Tin nổi bật</h2>\n'
            '      <div class="list__news">\n'
            + "\n".join(current_item(a) for a in site.articles[:3])
            + "\n      </div>\n  </div>\n" + "\n".join(blocks))
    site.add("/", current_page(site, "Bộ Thông tin và Truyền thông", "/", main))
    for a in site.articles:
        site.add(current_url(a), current_article(site, a))
    site.add("/robots.txt", robots())
    site.add("/sitemap.xml", urlset(site, current_url))
    site.add("/rss/tin-tuc.rss", rss(site, current_url, "Tin tức - Bộ Thông tin và Truyền thông",
                                     "/rss/tin-tuc.rss"))
    site.add("/admin/", admin_page("Bộ Thông tin và Truyền thông"))
    site.add("/Uploads/van-ban/danh-sach-doanh-nghiep.pdf", TINY_PDF)


# ---------------------------------------------------------------- family 3: NukeViet
def nv_url(a: Article) -> str:
    if a.get("version") == "3":
        return f"/vi/news/{a['cat']}/{a['slug']}-{a['id']}/"
    return f"/vi/news/{a['cat']}/{a['slug']}-{a['id']}.html"


def nv_cat_url(key: str, page: int = 1) -> str:
    return f"/vi/news/{key}/" if page == 1 else f"/vi/news/{key}/page-{page}"


def tag_alias(tag: str) -> str:
    table = str.maketrans("àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ",
                          "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd")
    return "-".join(tag.lower().translate(table).split())


def nv_page(site: Site, title: str, path: str, main: str, head: str = "",
            v3: bool = False, generator: str | None = "NukeViet v4.3") -> str:
    name = site.spec["site_title"]
    menu = "\n".join(f'          <li><a href="{nv_cat_url(k)}" title="{esc(c["name"])}">'
                     f'{esc(c["name"])}</a></li>' for k, c in site.cats.items())
    gen = f'<meta name="generator" content="{generator}">\n' if generator else ""
    links = "\n".join(f'          <li><a href="{u}" target="_blank">{esc(t)}</a></li>'
                      for u, t in OFFSITE)
    extra = "\n".join(f'          <li><a href="{u}">{esc(t)}</a></li>'
                      for u, t in site.spec.get("extra_links", []))
    clock = site.spec.get("clock", "16:32 ICT Thứ ba, 14/07/2020")
    header_extra = f'\n      <div class="clock"><span id="digclock">{clock}</span></div>' if v3 else ""
    tail = "" if v3 else """
<div id="timeoutsess" class="chromeframe">Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="javascript:void(0);">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> giây</div>
<div id="openidResult" class="nv-alert" style="display:none"></div>
<div id="openidBt" data-result="" data-redirect=""></div>"""
    return f"""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">
<head>
<title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="content-type" content="text/html; charset=utf-8">
{gen}<meta property="og:site_name" content="{esc(name)}">
<link rel="canonical" href="{{{{BASE}}}}{esc(path)}">
<link rel="alternate" href="{{{{BASE}}}}/vi/news/rss/" title="Tin tức" type="application/rss+xml">
<link rel="StyleSheet" href="/themes/default/css/font-awesome.min.css">
<link rel="StyleSheet" href="/themes/egov/css/style.css">
{head}</head>
<body>
<noscript>
  <div class="alert alert-danger">Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.<br>Website chỉ làm việc khi bạn bật nó trở lại.<br>Để tham khảo cách bật JavaScript, hãy click chuột <a href="http://wiki.nukeviet.vn/support:browser:enable_javascript">vào đây</a>!</div>
</noscript>
<div class="body-bg"><div class="wraper">
  <header>
    <div class="container"><div id="header" class="row">
      <div class="logo"><a title="{esc(name)}" href="/"><img src="/uploads/logo.png" alt="{esc(name)}"></a>
        <span class="site_name">{esc(name)}</span><span class="site_description">Trang thông tin điện tử</span></div>{header_extra}
    </div></div>
  </header>
  <nav class="second-nav" id="menusite">
    <div class="container"><div class="row"><div class="bg box-shadow">
        <ul class="nav navbar-nav">
          <li><a href="/" title="Trang chủ"><em class="fa fa-lg fa-home">&nbsp;</em> Trang chủ</a></li>
{menu}
        </ul>
    </div></div></div>
  </nav>
  <div class="outdated-browser" style="display:none">Trình duyệt bạn đang sử dụng đã lỗi thời. Hãy nâng cấp trình duyệt để xem trang web tốt hơn.</div>
  <section><div class="container" id="body"><div class="row">
    <div class="col-sm-16 col-md-18">
{main}
    </div>
    <div class="col-sm-8 col-md-6">
      <div class="panel panel-primary"><div class="panel-heading">Văn bản mới</div><div class="panel-body">
        <ul><li><a href="/uploads/van-ban/ke-hoach-chuyen-doi-so.pdf">Kế hoạch chuyển đổi số của tỉnh (tệp PDF)</a></li></ul>
      </div></div>
      <div class="panel panel-primary"><div class="panel-heading">Liên kết</div><div class="panel-body">
        <ul class="weblinks">
{links}
{extra}
        </ul>
      </div></div>
      <div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div><div class="panel-body">
        <ul class="counter list-none display-table">
          <li><span><em class="fa fa-bolt fa-lg fa-horizon"></em>Đang truy cập</span><span>27</span></li>
          <li><span><em class="fa fa-filter fa-lg fa-horizon"></em>Hôm nay</span><span>1.482</span></li>
          <li><span><em class="fa fa-calendar-o fa-lg fa-horizon"></em>Tháng hiện tại</span><span>31.907</span></li>
          <li><span><em class="fa fa-bars fa-lg fa-horizon"></em>Tổng lượt truy cập</span><span>2.615.334</span></li>
        </ul>
      </div></div>
    </div>
  </div></div></section>
  <footer id="footer" class="wraper">
    <div class="container"><div class="row">
      <div class="col-md-12"><div class="copyright"><span>&copy;&nbsp;Bản quyền thuộc về <a href="/">{esc(name)}</a>.&nbsp; Mã nguồn <a href="https://nukeviet.vn" target="_blank">NukeViet CMS</a>.</span></div></div>
      <div class="col-md-12"><p>Chịu trách nhiệm chính: Giám đốc Sở. Giấy phép số 05/GP-TTĐT. <a href="/admin/">Quản trị</a></p></div>
    </div></div>
  </footer>
</div></div>{tail}
</body>
</html>
"""


def nv_body(a: Article) -> list[str]:
    body = []
    copy = lead_copy_html(a)
    if copy is not None:
        body.append(f'<p style="text-align: justify;">{copy}</p>')
    for item in a["body"]:
        if isinstance(item, str):
            body.append(f'<p style="text-align: justify;">{esc(item)}</p>')
        else:
            _, src, caption = item
            body.append(f'<p style="text-align: center;"><img alt="{esc(caption or a["title"])}" '
                        f'src="{esc(src)}" style="width: 600px;"></p>')
            if caption:
                body.append(f'<p style="text-align: center;"><em>{esc(caption)}</em></p>')
    for b in a.get("byline", []):
        body.append(f'<p style="text-align: right;"><strong>{esc(b)}</strong></p>')
    return body


def nv_others(site: Site, a: Article) -> tuple[list[Article], list[Article]]:
    same = site.in_cat(a["cat"])
    i = same.index(a)
    return same[max(0, i - 3):i], same[i + 1:i + 4]


def nv4_article(site: Site, a: Article) -> str:
    dt = when(a)
    path = nv_url(a)
    v45 = a.get("version") == "4.5"
    hi = a.get("home_image")
    lead = esc(summary_text(a))
    if a.get("tag"):
        lead = esc(a["tag"]) + " " + lead
    parts = []
    if v45:
        parts.append(f"""        <div class="hidden hide d-none" itemprop="author" itemscope itemtype="http://schema.org/Person"><span itemprop="name">{esc(a.get('author') or 'Quản trị')}</span></div>
        <span class="hidden hide d-none" itemprop="datePublished">{dt.isoformat()}</span>
        <span class="hidden hide d-none" itemprop="dateModified">{dt.isoformat()}</span>
        <span class="hidden hide d-none" itemprop="description">{esc(a['lead'])}</span>
        <span class="hidden hide d-none" itemprop="mainEntityOfPage">{{{{BASE}}}}{path}</span>""")
    figure = ""
    if hi:
        src, cap = hi
        figure = (f'          <figure class="article left pointer" onclick="modalShowByObj(\'#imgpreview\');">\n'
                  f'            <div style="width:140px;"><p class="text-center"><img alt="{esc(cap or a["title"])}" '
                  f'src="{esc(src)}" width="140" class="img-thumbnail"></p>'
                  f"<figcaption>{esc(cap or '')}</figcaption></div>\n          </figure>\n")
        if v45:
            figure += (f'          <div id="imgpreview" style="width:500px;display:none">'
                       f'<p class="text-center"><img alt="{esc(cap or a["title"])}" src="{esc(src)}" '
                       f'class="img-thumbnail"></p><figcaption>{esc(cap or "")}</figcaption></div>\n')
    labels = "\n".join(f'          <p class="h5 text-right"><strong>{esc(k)} </strong>{esc(v)}</p>'
                       for k, v in a.get("labels", []))
    tags = ", ".join(f'<a title="{esc(t)}" href="/vi/news/tag/{tag_alias(t)}"><em>{esc(t)}</em></a>'
                     for t in a.get("tags", []))
    newer, older = nv_others(site, a)

    def lst(items: list[Article]) -> str:
        return "\n".join(
            f'            <li><em class="fa fa-angle-right">&nbsp;</em><a href="{nv_url(o)}" '
            f'title="{esc(o["title"])}">{esc(o["title"])}</a> <em>({dmy(when(o))})</em></li>'
            for o in items)
    others = ""
    if newer:
        others += f'        <p class="h3"><strong>Những tin mới hơn</strong></p>\n        <ul class="related list-items">\n{lst(newer)}\n        </ul>\n'
    if older:
        others += f'        <p class="h3"><strong>Những tin cũ hơn</strong></p>\n        <ul class="related list-items">\n{lst(older)}\n        </ul>\n'
    stars = "".join(f'<input class="hover-star" type="radio" value="{i}" title="Đánh giá {i} sao">'
                    for i in range(1, 6))
    bad_iso = f"{dt:%Y-%m-%d}+07{dt:%H:%M:%S}"
    head = f"""<meta name="description" content="{esc(a['lead'])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(a['title'])}">
<meta property="og:description" content="{esc(a['lead'])}">
<meta property="og:url" content="{{{{BASE}}}}{path}">
<meta property="article:published_time" content="{bad_iso}">
<meta property="article:modified_time" content="{bad_iso}">
<meta property="article:section" content="{esc(site.cats[a['cat']]['name'])}">
"""
    body_html = "\n          ".join(nv_body(a))
    tag_block = ""
    if tags:
        tag_block = f"""      <div class="news_column panel panel-default"><div class="panel-body">
        <div class="h5"><em class="fa fa-tags">&nbsp;</em><strong>Từ khóa: </strong><span class="keywords">{tags}</span></div>
      </div></div>
"""
    extra = "\n".join(parts)
    main = f"""      <div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>
        <div class="panel-body">
        <h1 class="title margin-bottom-lg" itemprop="headline">{esc(a['title'])}</h1>
{extra}
        <div class="row margin-bottom-lg">
          <div class="col-md-12"><span class="h5">{WEEKDAYS[dt.weekday()]} - {dmy(dt)} {dt:%H:%M}</span></div>
          <div class="col-md-12"><ul class="list-inline text-right">
            <li><a class="dimgray" rel="nofollow" title="Gửi bài viết qua email" href="javascript:void(0);" onclick="nv_open_browse('/vi/news/sendmail/{a['cat']}/{a['slug']}-{a['id']}.html','',650,500);"><em class="fa fa-envelope fa-lg">&nbsp;</em></a></li>
            <li><a class="dimgray" rel="nofollow" title="In ra" href="javascript:void(0);" onclick="nv_open_browse('/vi/news/print/{a['cat']}/{a['slug']}-{a['id']}.html','',840,500);"><em class="fa fa-print fa-lg">&nbsp;</em></a></li>
            <li><a class="dimgray" rel="nofollow" title="Lưu bài viết này" href="javascript:void(0);" onclick="nv_save_file();"><em class="fa fa-save fa-lg">&nbsp;</em></a></li>
          </ul></div>
        </div>
        <div class="clearfix">
{figure}          <div class="hometext m-bottom" itemprop="description">{lead}</div>
        </div>
        <div id="news-bodyhtml" class="bodytext margin-bottom-lg">
          {body_html}
        </div>
        <div class="margin-bottom-lg">
{labels}
        </div>
        </div>
      </div>
{tag_block}      <div class="news_column panel panel-default"><div class="panel-body">
        <form id="form3B" action=""><div class="h5 clearfix">
          <p id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>
          <div style="padding: 5px;">{stars}<span id="hover-test" style="margin: 0 0 0 20px;">Click để đánh giá bài viết</span></div>
        </div></form>
      </div></div>
      <div class="news_column panel panel-default"><div class="panel-body">
        <div class="socialicon clearfix margin-bottom-lg"><div class="fb-like" data-href="{{{{BASE}}}}{path}" data-layout="button_count"></div> <a href="https://twitter.com/share" class="twitter-share-button">Tweet</a></div>
      </div></div>
      <div class="news_column panel panel-default"><div class="panel-body other-news">
{others}      </div></div>"""
    name = site.spec["site_title"]
    return nv_page(site, f"{a['title']} - Tin tức - {name}", path, main, head,
                   generator=f"NukeViet v{a.get('version', '4.3')}")


def nv3_article(site: Site, a: Article) -> str:
    dt = when(a)
    path = nv_url(a)
    hi = a.get("home_image")
    img = ""
    if hi:
        src, cap = hi
        img = (f'<div id="imghome" class="fl" style="width:150px;"><a href="{esc(src)}" rel="shadowbox" '
               f'title="{esc(cap or a["title"])}"><img alt="{esc(cap or a["title"])}" src="{esc(src)}" '
               f'width="150"></a><p><em>{esc(cap or "")}</em></p></div>')
    labels = "\n".join(f'    <p><strong>{esc(k)} </strong>{esc(v)}</p>' for k, v in a.get("labels", []))
    newer, older = nv_others(site, a)

    def lst(items: list[Article]) -> str:
        return "\n".join(f'      <li><a href="{nv_url(o)}" title="{esc(o["title"])}">'
                         f'{esc(o["title"])}</a> <span class="date">({dmy(when(o))})</span></li>'
                         for o in items)
    others = ""
    if newer:
        others += f'    <p><strong>Những tin mới hơn</strong></p>\n    <ul class="related">\n{lst(newer)}\n    </ul>\n'
    if older:
        others += f'    <p><strong>Những tin cũ hơn</strong></p>\n    <ul class="related">\n{lst(older)}\n    </ul>\n'
    tags = ", ".join(f'<a href="/vi/news/tag/{tag_alias(t)}">{esc(t)}</a>' for t in a.get("tags", []))
    body_html = "\n    ".join(nv_body(a))
    lead = esc(summary_text(a))
    if a.get("tag"):
        lead = esc(a["tag"]) + " " + lead
    keywords = f'  <div class="keywords"><strong>Từ khóa: </strong>{tags}</div>\n' if tags else ""
    main = f"""<div id="news_detail" class="box-border-shadow">
  <h1>{esc(a['title'])}</h1>
  <span class="time">{WEEKDAYS[dt.weekday()]} - {dmy(dt)}  {dt:%H:%M}</span>
  <div class="control"><ul>
    <li><a class="sendmail" title="Gửi bài viết qua email" href="javascript:void(0);" onclick="NewWindow('/vi/news/sendmail/{a['cat']}/{a['slug']}-{a['id']}/','',500,400,'no');return false"></a></li>
    <li><a class="print" title="In bài viết" href="javascript:void(0);" onclick="NewWindow('/vi/news/print/{a['cat']}/{a['slug']}-{a['id']}/','',840,768,'yes');return false"></a></li>
    <li><a class="savefile" title="Lưu bài viết này" href="javascript:void(0);"></a></li>
  </ul></div>
  <div id="hometext">{img}<h2>{lead}</h2></div>
  <div class="clear"></div>
  <div class="bodytext">
    {body_html}
  </div>
  <div class="info fr">
{labels}
  </div>
  <div class="clear"></div>
{keywords}  <div class="rating"><form action=""><div id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</div>
    <input class="hover-star" type="radio" value="1"><input class="hover-star" type="radio" value="2"><input class="hover-star" type="radio" value="3"><input class="hover-star" type="radio" value="4"><input class="hover-star" type="radio" value="5">
    <span id="hover-test">Click để đánh giá bài viết</span></form></div>
  <div class="othernews">
{others}  </div>
</div>"""
    head = f'<meta name="description" content="{esc(a["lead"])}">\n'
    return nv_page(site, f"{a['title']} - {site.spec['site_title']}", path, main, head,
                   v3=True, generator=None)


def nv_item(a: Article) -> str:
    thumb = images(a)[0][0] if images(a) else "/themes/default/images/no_image.gif"
    dt = when(a)
    return f"""      <div class="news_column"><div class="panel panel-default clearfix"><div class="panel-body">
        <a href="{nv_url(a)}" title="{esc(a['title'])}"><img alt="{esc(a['title'])}" src="{esc(thumb)}" width="100" class="img-thumbnail pull-left imghome"></a>
        <h3><a href="{nv_url(a)}" title="{esc(a['title'])}">{esc(a['title'])}</a></h3>
        <div class="text-muted"><ul class="list-unstyled list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> {dmy(dt)} {dt:%H:%M}</li><li><em class="fa fa-eye">&nbsp;</em> Đã xem: {views(a)}</li></ul></div>
        {esc(summary_text(a))}
      </div></div></div>"""


def build_nukeviet(site: Site) -> None:
    name = site.spec["site_title"]
    for key, cat in site.cats.items():
        pages = site.pages(key)
        for n, items in enumerate(pages, 1):
            paging = "".join(
                f'<li class="{"active" if i == n else ""}"><a href="{nv_cat_url(key, i)}">{i}</a></li>'
                for i in range(1, len(pages) + 1))
            main = ("\n".join(nv_item(a) for a in items)
                    + f'\n      <div class="text-center"><ul class="pagination">{paging}</ul></div>')
            path = nv_cat_url(key, n)
            title = cat["name"] + (f" - Trang {n}" if n > 1 else "") + f" - {name}"
            site.add(path, nv_page(site, title, path, main))
    tags: dict[str, list[Article]] = {}
    for a in site.articles:
        for t in a.get("tags", []):
            tags.setdefault(t, []).append(a)
    for t, items in tags.items():
        path = f"/vi/news/tag/{tag_alias(t)}"
        main = (f'      <h1 class="h3">Từ khóa: {esc(t)}</h1>\n'
                + "\n".join(nv_item(a) for a in items))
        site.add(path + "/", nv_page(site, f"{t} - Tin tức - {name}", path, main))
    blocks = []
    for key, cat in site.cats.items():
        lis = "\n".join(f'          <li><a href="{nv_url(a)}" title="{esc(a["title"])}">'
                        f'{esc(a["title"])}</a></li>' for a in site.in_cat(key)[:2])
        blocks.append(f'      <div class="panel panel-default"><div class="panel-heading"><a href="'
                      f'{nv_cat_url(key)}">{esc(cat["name"])}</a></div><div class="panel-body">\n'
                      f'        <ul class="list-items">\n{lis}\n        </ul>\n      </div></div>')
    main = "\n".join(nv_item(a) for a in site.articles[:3]) + "\n" + "\n".join(blocks)
    site.add("/", nv_page(site, name, "/", main))
    for a in site.articles:
        html_ = nv3_article(site, a) if a.get("version") == "3" else nv4_article(site, a)
        site.add(nv_url(a), html_)
    site.add("/robots.txt", robots())
    site.add("/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
             "  <sitemap><loc>{{BASE}}/sitemap-vi.news.xml</loc></sitemap>\n</sitemapindex>\n")
    site.add("/sitemap-vi.news.xml", urlset(site, nv_url))
    site.add("/vi/news/rss/index.rss", rss(site, nv_url, f"Tin tức - {name}", "/vi/news/rss/"))
    site.add("/admin/", admin_page(name))
    site.add("/uploads/van-ban/ke-hoach-chuyen-doi-so.pdf", TINY_PDF)


BUILDERS = {"mic_legacy": (build_legacy, legacy_url), "vccorp_cms": (build_current, current_url),
            "nukeviet": (build_nukeviet, nv_url)}


def build(sites: dict[str, dict[str, Any]], root: Path, expected_path: Path) -> dict:
    """Render every site under ``root`` and write ``expected_path``; returns the expectations."""
    expected: dict[str, dict] = {}
    for name, spec in sites.items():
        site = Site(name, spec)
        builder, url_of = BUILDERS[spec["family"]]
        builder(site)
        site.write(root)
        expected[name] = {url_of(a): expected_record(a)
                          for a in sorted(site.articles, key=url_of)}
    expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return expected


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    # no __pycache__ next to the fixture sites: every folder there is served as a site
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.dont_write_bytecode = saved
    return module


def main() -> int:
    """Rebuild the demo site and the test fixture sites."""
    demo = _load(HERE / "content.py")
    build(demo.SITES, DEMO / "site", DEMO / "expected.json")
    fixtures = REPO / "tests" / "fixtures" / "sites"
    if (fixtures / "_content.py").exists():
        build(_load(fixtures / "_content.py").SITES, fixtures, fixtures / "expected.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

