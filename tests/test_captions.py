"""Gallery captions trafilatura keeps as a paragraph (cleaners/generic.py).

The page copies the markup shape of the Hearst newspaper pages of the Zyte
article-extraction benchmark (../shared/benchmarks/zyte-article-extraction: chron.com,
ctpost.com, sfgate.com, timesunion.com, mysanantonio.com, saved 2019): a gallery whose
``<div class="caption">`` holds the full caption with a "less" link, the truncated one with
a "more" link and the photo credit, in blocks separated by white space; the story's
paragraphs follow. The text is ours.
"""

from __future__ import annotations

from micnews.cleaners.generic import extract_generic

URL = "https://www.example.com/news/article/Harbour-opens-14848382.php"
CAPTION = ("The mayor, left, and the harbour master cut the ribbon at the new pier on "
           "Wednesday, Nov. 20, 2019. The pier doubles the number of ferries the town can take.")
STORY = [
    f"Paragraph {i}: the town opened its new pier on Wednesday after two years of work, and "
    f"the first ferry docked an hour later with more than two hundred passengers on board."
    for i in range(5)
]


def _page() -> str:
    caption = (
        '<div class="caption "> <div class="caption-full">'
        f'{CAPTION}<a class="more-caption"> less</a></div> <div class="caption-truncated">'
        f'{CAPTION[:120]}<a class="more-caption"> ... more</a></div> <span class="credit"> '
        "Photo: Jane Doe, AP </span> </div>"
    )
    gallery = (
        '<div class="hst-resgallery-container non-grid three-wide"><ul class="hst-resgallery">'
        '<li class="hst-resgalleryitem"><div class="img-wrap landscape"><img class="landscape" '
        f'src="/photos/1.jpg" alt="{CAPTION}"></div> {caption} </li></ul></div>'
    )
    paras = " ".join(f"<!-- text --> <p>{p}</p>" for p in STORY)
    return ('<html><head><title>Harbour opens - Example Chronicle</title><meta '
            'property="article:published_time" content="2019-11-20T08:00:00Z"></head><body>'
            '<div class="article-body"><h1>Harbour opens</h1>'
            f"{gallery} {paras}</div></body></html>")


def test_gallery_caption_is_not_a_paragraph() -> None:
    ex = extract_generic(_page(), URL)
    assert ex is not None
    assert ex.paragraphs == STORY
