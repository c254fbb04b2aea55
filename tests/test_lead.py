"""The lead exactly once, and the editor's source tag split off."""

from __future__ import annotations

import re

import pytest

from micnews.cleaners.lead import dedupe_lead, split_source_tag
from micnews.cleaners.textnorm import norm_key, norm_space
from tests.helpers import shared

# Our own sentences, shaped like the seeds (mic.gov.vn 2007 articles and a NukeViet one).
LEAD = (
    "Ngày 12/03/2007, Sở Bưu chính, Viễn thông tỉnh Hòa Bình tổ chức Hội nghị tổng kết công "
    "tác năm 2006. Đến dự có đại diện lãnh đạo UBND tỉnh cùng các doanh nghiệp BCVT&CNTT "
    "trên địa bàn (Hà Nam, Ninh Bình….)..."
)
P1 = (
    "Sau khi nghe báo cáo, đồng chí Phó Chủ tịch UBND tỉnh đánh giá cao kết quả mà Sở đạt "
    "được trong năm qua."
)
P2 = "Hội nghị cũng đã khen thưởng các tập thể, cá nhân có thành tích xuất sắc."
CAPTION = "Toàn cảnh hội nghị."


def joined(lead: str | None, body: list[str]) -> str:
    return "\n\n".join(([lead] if lead else []) + body)


def count_lead(lead: str, body: list[str]) -> int:
    return norm_key(joined(lead, body)).count(norm_key(lead))


def assert_once_and_nothing_lost(lead_in: str, body_in: list[str], others: list[str]) -> None:
    lead, body = dedupe_lead(lead_in, body_in)
    assert lead
    assert count_lead(lead, body) == 1
    text = norm_key(joined(lead, body))
    for para in others:
        assert norm_key(para) in text
    # every sentence of the input lead is still in the output
    assert norm_key(lead_in) in text


# --- dedupe_lead: one test per variant ------------------------------------------------------
def test_verbatim_repeat_with_trailing_ellipsis() -> None:
    # seeds 000, 001, 003: summary then the same paragraph, both ending "..."
    lead, body = dedupe_lead(LEAD, [LEAD, P1, P2])
    assert lead == LEAD
    assert body == [P1, P2]


def test_whitespace_nbsp_zero_width_variants() -> None:
    variant = LEAD.replace(" ", "\xa0", 5).replace("Sở", "S\u200bở", 1).replace(". ", ".  \n")
    lead, body = dedupe_lead(LEAD, [variant, P1])
    assert (lead, body) == (LEAD, [P1])


def test_inline_tag_artefacts_spaces_around_punctuation() -> None:
    lead_in = "Sở Bưu chính, Viễn thông (BCVT) Long An tổ chức Hội nghị tổng kết năm 2006."
    repeat = "Sở Bưu chính , Viễn thông ( BCVT ) Long An tổ chức Hội nghị tổng kết năm 2006 ."
    lead, body = dedupe_lead(lead_in, [repeat, P1])
    assert (lead, body) == (lead_in, [P1])


def test_en_dash_and_case_differences() -> None:
    lead_in = "Ông Trần Văn Nam – Giám đốc Sở TT&TT phát biểu khai mạc hội nghị tại Hà Nội."
    repeat = "Ông Trần Văn Nam - Giám đốc Sở TT&TT phát biểu khai mạc Hội nghị tại Hà Nội."
    assert dedupe_lead(lead_in, [repeat, P1]) == (lead_in, [P1])


@pytest.mark.parametrize("mark", ["...", "…", "....", "…)", " ...", "...)"])
def test_truncated_summary_takes_the_full_paragraph(mark: str) -> None:
    full = (
        "Vừa qua, Sở Thông tin và Truyền thông tỉnh Hà Nam tổ chức Hội nghị sơ kết công tác "
        "6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2014."
    )
    summary = full[:70].rstrip() + mark
    lead, body = dedupe_lead(summary, [full, P1])
    assert lead == full
    assert body == [P1]
    assert count_lead(lead, body) == 1


def test_truncated_summary_mid_word() -> None:
    full = "Bộ trưởng Bộ Thông tin và Truyền thông đã có buổi làm việc với Sở BCVT Hải Phòng."
    summary = "Bộ trưởng Bộ Thông tin và Truyền thông đã có buổi làm vi…"
    assert dedupe_lead(summary, [full, P2]) == (full, [P2])


def test_lead_opens_a_longer_first_paragraph() -> None:
    lead_in = "Sáng 04/01/2008, Bộ trưởng đã có buổi làm việc với Sở Bưu chính, Viễn thông Huế."
    first = lead_in + " Về phía tỉnh có Phó Chủ tịch UBND tỉnh cùng đại diện các sở, ngành."
    lead, body = dedupe_lead(lead_in, [first, P1])
    assert lead == lead_in
    assert body == ["Về phía tỉnh có Phó Chủ tịch UBND tỉnh cùng đại diện các sở, ngành.", P1]
    assert_once_and_nothing_lost(lead_in, [first, P1], [first, P1])


def test_lead_stops_mid_sentence_inside_a_longer_paragraph() -> None:
    # no ellipsis, but the lead is cut inside a sentence: the full paragraph becomes the lead
    lead_in = "Sáng 04/01/2008, Bộ trưởng đã có buổi làm việc với Sở Bưu chính"
    first = lead_in + ", Viễn thông Huế về công tác quản lý nhà nước."
    assert dedupe_lead(lead_in, [first, P1]) == (first, [P1])


def test_lead_repeated_after_a_caption() -> None:
    for prefix in ([CAPTION], ["img", CAPTION]):
        lead, body = dedupe_lead(LEAD, [*prefix, LEAD, P1])
        assert lead == LEAD
        assert body == [*prefix, P1]


def test_lead_repeated_beyond_the_first_three_paragraphs_is_left_alone() -> None:
    body_in = [P1, P2, CAPTION, "Một đoạn khác của bài viết.", LEAD]
    assert dedupe_lead(LEAD, body_in) == (LEAD, body_in)


def test_lead_not_repeated_is_unchanged() -> None:
    body_in = [P1, P2]
    lead, body = dedupe_lead(LEAD, body_in)
    assert (lead, body) == (LEAD, body_in)
    assert body is not body_in  # a new list, the input is not mutated


@pytest.mark.parametrize("empty", [None, "", "  \xa0 "])
def test_no_lead_does_not_invent_one(empty: str | None) -> None:
    body_in = [LEAD, P1]
    assert dedupe_lead(empty, body_in) == (None, body_in)


def test_source_tag_ignored_when_comparing() -> None:
    # the lead still carries "(Mic.gov.vn) -" while the body does not, and the reverse
    tagged = "(Mic.gov.vn) - " + LEAD
    assert dedupe_lead(tagged, [LEAD, P1]) == (tagged, [P1])
    assert dedupe_lead(LEAD, ["(Mic.gov.vn) – " + LEAD, P1]) == (LEAD, [P1])
    assert dedupe_lead("DIC - " + P1, [P1, P2]) == ("DIC - " + P1, [P2])


def test_multi_paragraph_lead_repeated_as_separate_paragraphs() -> None:
    lead_in = P1 + " " + P2
    assert dedupe_lead(lead_in, [P1, P2, CAPTION]) == (lead_in, [CAPTION])


def test_body_holds_a_truncated_copy_of_the_lead() -> None:
    short = P1[:60].rstrip() + "..."
    assert dedupe_lead(P1, [short, P2]) == (P1, [P2])


def test_lead_repeated_twice() -> None:
    assert dedupe_lead(LEAD, [LEAD, CAPTION, LEAD, P1]) == (LEAD, [CAPTION, P1])


def test_short_lead_does_not_claim_a_longer_paragraph() -> None:
    # "Tin vắn." is a prefix of nothing meaningful; short keys never match by prefix
    body_in = ["Tin vắn. " + P1, P2]
    assert dedupe_lead("Tin vắn.", body_in) == ("Tin vắn.", body_in)


# --- property-style checks ------------------------------------------------------------------
CASES = [
    (LEAD, [LEAD, P1, P2]),
    (LEAD, [LEAD.replace(" ", "\xa0"), P1]),
    (LEAD, [CAPTION, LEAD, P1]),
    (LEAD, ["img", CAPTION, LEAD + "  ", P2]),
    (P1[:50] + "…", [P1, P2]),
    (P1, [P1 + " " + P2, CAPTION]),
    (P1, [P2, CAPTION]),
    ("(Chinhphu.vn) - " + P1, [P1, P2]),
    (P1 + " " + P2, [P1, P2, CAPTION]),
    (norm_space(LEAD), [LEAD, LEAD, P1]),
]


@pytest.mark.parametrize(("lead_in", "body_in"), CASES)
def test_lead_once_and_no_paragraph_lost(lead_in: str, body_in: list[str]) -> None:
    lead, body = dedupe_lead(lead_in, body_in)
    assert lead
    assert count_lead(lead, body) == 1
    text = norm_key(joined(lead, body))
    lead_key = norm_key(split_source_tag(lead_in)[1])
    for para in body_in:  # every input paragraph survives, whole or inside the lead
        assert norm_key(para) in text or lead_key.startswith(norm_key(para))
    for para in body:  # nothing in the body repeats the lead
        assert norm_key(split_source_tag(lead)[1]) not in norm_key(para)


# --- split_source_tag -----------------------------------------------------------------------
TAGS = [
    ("(Mic.gov.vn) – Ngày 06/02/2007, Sở", ("Mic.gov.vn", "Ngày 06/02/2007, Sở")),
    ("(Mic.gov.vn) –Ngày 06/02/2007", ("Mic.gov.vn", "Ngày 06/02/2007")),
    ("(Mic.gov.vn)-Ngày 06/02/2007", ("Mic.gov.vn", "Ngày 06/02/2007")),
    ("(Mic.gov.vn) - ", ("Mic.gov.vn", "")),
    ("(Chinhphu.vn) - Sáng nay, Thủ tướng", ("Chinhphu.vn", "Sáng nay, Thủ tướng")),
    ("(Chinhphu.vn) — Sáng nay", ("Chinhphu.vn", "Sáng nay")),
    ("DIC - Thực hiện chủ trương", ("DIC", "Thực hiện chủ trương")),
    ("DIC – Thực hiện chủ trương", ("DIC", "Thực hiện chủ trương")),
    ("(TTXVN) Sáng 5/3, tại Hà Nội", ("TTXVN", "Sáng 5/3, tại Hà Nội")),
    ("(TTXVN) - Sáng 5/3", ("TTXVN", "Sáng 5/3")),
    ("(ICTPress) Bộ TT&TT vừa ban hành", ("ICTPress", "Bộ TT&TT vừa ban hành")),
    ("ICTnews.vn - Bộ TT&TT vừa ban hành", ("ICTnews.vn", "Bộ TT&TT vừa ban hành")),
    ("(Dân trí) - Ngày 5/3", ("Dân trí", "Ngày 5/3")),
    ("  (Mic.gov.vn) - Ngày 06/02", ("Mic.gov.vn", "Ngày 06/02")),
    # not tags
    ("Hà Nội - Sáng nay, Sở TT&TT tổ chức", None),
    ("HUẾ - Sáng nay", None),
    ("VNPT-Vinaphone ra mắt gói cước mới", None),
    ("COVID-19 - dịch bệnh", None),
    ("UBND tỉnh - cơ quan chủ trì", None),
    ("(theo báo cáo của Sở) số thuê bao tăng", None),
    ("(Hà Nội, Bắc Ninh) - các tỉnh phía Bắc", None),
    ("(2007) - năm bản lề", None),
    ("Sở Bưu chính, Viễn thông tỉnh Quảng Ninh", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), TAGS)
def test_split_source_tag(text: str, expected: tuple[str, str] | None) -> None:
    assert split_source_tag(text) == (expected if expected else (None, text))


# --- textnorm (the comparison keys used above) ----------------------------------------------
def test_norm_space() -> None:
    messy = " Sở\xa0\xa0TT&TT\u2009Bắc\u200bNinh\ufeff \n\t tỉnh "
    assert norm_space(messy) == "Sở TT&TT BắcNinh tỉnh"
    assert norm_space("") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hòa Bình", "Ho\u0300a Bi\u0300nh"),  # NFC vs decomposed
        ("Sở BCVT", "SỞ BCVT"),
        ("Nhạc- Phó", "Nhạc – Phó"),
        ("Viễn thông ( BCVT ) ,", "Viễn thông (BCVT),"),
        ("Bắc Ninh….)...", "Bắc Ninh"),
        ("“Tách”", '"Tách"'),
        ("Ninh… và", "Ninh... và"),
    ],
)
def test_norm_key_equalities(a: str, b: str) -> None:
    assert norm_key(a) == norm_key(b)


def test_norm_key_keeps_words_apart() -> None:
    assert norm_key("Hòa Bình") != norm_key("Hoà Bình tỉnh")
    assert norm_key("a b") != norm_key("ab")


# --- the seeds (../shared/seeds; skipped when absent) ---------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_seed_lead_repetition_is_removed(prefix: str) -> None:
    files = sorted(shared("seeds").glob(f"{prefix}_*.txt"))
    assert files
    paras = [p.strip() for p in re.split(r"\n\s*\n", files[0].read_text(encoding="utf-8"))]
    paras = [p for p in paras if p]
    # title, the "(Mic.gov.vn) - " line, the summary, then the body that repeats it
    tag, summary = paras[1], paras[2]
    assert split_source_tag(tag)[0] == "Mic.gov.vn"
    assert norm_key(paras[3]) == norm_key(summary)  # the defect is there ...
    lead, body = dedupe_lead(tag + summary, paras[3:])
    assert count_lead(lead, body) == 1  # ... and gone
    assert body == paras[4:]
