"""Site template learning: counts once per page, thresholds, filter, registry."""

from __future__ import annotations

from micnews.cleaners.templates import SiteTemplate, TemplateRegistry

MENU = ["Trang chủ", "Giới thiệu", "Liên hệ"]


def _site(pages: int, share: float = 0.3) -> SiteTemplate:
    tpl = SiteTemplate(min_pages=3, share=share)
    for i in range(pages):
        tpl.learn([*MENU, f"Bài số {i} nói về một chủ đề riêng."])
    return tpl


def test_block_seen_on_every_page_is_template() -> None:
    tpl = _site(5)
    assert tpl.pages_seen == 5
    assert tpl.is_template("Trang chủ")
    assert tpl.is_template("  trang   CHỦ ")  # normalised key
    assert not tpl.is_template("Bài số 1 nói về một chủ đề riêng.")


def test_block_counts_once_per_page() -> None:
    tpl = SiteTemplate(min_pages=3)
    tpl.learn(["Câu lặp lại.", "Câu lặp lại.", "Câu lặp lại.", "Khác."])
    tpl.learn(["Khác."])
    assert tpl.counts["câu lặp lại"] == 1
    assert not tpl.is_template("Câu lặp lại.")


def test_min_pages_guard_on_small_sites() -> None:
    tpl = _site(2)
    assert not tpl.is_template("Trang chủ")  # 2 pages < min_pages
    tpl.learn(MENU)
    assert tpl.is_template("Trang chủ")


def test_share_threshold_on_large_batches() -> None:
    tpl = SiteTemplate(min_pages=3, share=0.3)
    for i in range(20):
        tpl.learn(["Chân trang"] + (["Tin liên quan"] if i < 4 else []))
    assert tpl.threshold() == 6
    assert tpl.is_template("Chân trang")
    assert not tpl.is_template("Tin liên quan")  # 4 of 20 pages


def test_filter_returns_kept_and_removed() -> None:
    tpl = _site(4)
    kept, removed = tpl.filter(["Trang chủ", "Một đoạn văn mới.", "Liên hệ"])
    assert kept == ["Một đoạn văn mới."]
    assert removed == 2


def test_registry_keeps_sites_apart() -> None:
    reg = TemplateRegistry()
    for _ in range(4):
        reg.for_site("a.gov.vn").learn(["Chân trang A"])
        reg.add("b.gov.vn", ["Chân trang B"])
    assert reg.for_site("a.gov.vn").is_template("Chân trang A")
    assert not reg.for_site("a.gov.vn").is_template("Chân trang B")
    assert reg.template("b.gov.vn") is reg.for_site("b.gov.vn")
    assert reg.template("c.gov.vn") is None


def test_default_threshold_spares_a_summary_shown_on_three_pages() -> None:
    """An article's sapo shows on the article, its listing and the home page: not template."""
    tpl = SiteTemplate()
    sapo = "Sở Thông tin và Truyền thông tổ chức hội nghị triển khai nhiệm vụ năm 2020."
    for i in range(3):
        tpl.learn(["Trang chủ", sapo, f"Trang {i}"])
    assert not tpl.is_template(sapo)
    tpl.learn(["Trang chủ"])
    assert tpl.is_template("Trang chủ")
