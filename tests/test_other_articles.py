"""Text of other ``<article>`` elements and tag links (cleaners/generic.py).

The page copies the markup shape of a WordPress page of the Zyte article-extraction
benchmark (../shared/benchmarks/zyte-article-extraction, mensagensreflexao.com.br
``/quem-se-ama``, saved 2019): the post is an ``<article itemprop="blogPost">`` with its
``<h1>``, a breadcrumb, one long paragraph and its category links (``rel="category tag"``);
a sibling ``<article class="postbox">`` "you may like" box follows with excerpts of other
posts in nested ``<article>`` elements. The text is ours.
"""

from __future__ import annotations

from micnews.cleaners.generic import drop_other_articles, extract_generic
from micnews.cleaners.pageview import parse_html

URL = "https://www.example.com.br/quem-se-ama"
STORY = (
    "Viver uma verdadeira experiência é um dos maiores prazeres da vida, e cada pessoa "
    "descobre o seu caminho com o tempo. Cuidar de si mesmo não é egoísmo: quem se conhece "
    "sabe o que pede aos outros e o que pode oferecer, sem esperar que alguém preencha o "
    "vazio que só a própria pessoa pode preencher. Aprender a se respeitar exige paciência, "
    "coragem e muitos recomeços, mas cada passo dado com verdade deixa a vida mais leve."
)
EXCERPTS = [
    f"Excerto {i}: a vida pede otimismo e coragem para esperar o melhor e fazer o melhor "
    f"acontecer, sem perder o entusiasmo diante da primeira queda no caminho número {i} …"
    for i in range(4)
]


def _page() -> str:
    related = "".join(
        f'<article id="post-{i}" class="fundo postbox post-{i} post type-post"><a name="{i}">'
        f'</a><center><a href="/post-{i}" rel="bookmark"><img src="/img/{i}.jpg" alt="">'
        f"</a></center><p>{text}</p></article>"
        for i, text in enumerate(EXCERPTS)
    )
    return (
        '<html lang="pt-BR"><head><title>Só quem se Ama…</title><script '
        'type="application/ld+json">{"@type": "BlogPosting", "headline": "Só quem se Ama…", '
        '"datePublished": "2018-03-02T10:00:00-03:00"}</script></head><body>'
        '<div id="primary"><article class="fundo articlebox post-1806 post type-post" '
        'itemscope="itemscope" itemtype="http://schema.org/BlogPosting" itemprop="blogPost">'
        '<h1 class="entry-title" itemprop="headline">Só quem se Ama…</h1>'
        '<p class="brand" id="breadcrumbs"><span><a href="/">Mensagens</a> » <a '
        'href="/autoestima">Mensagens de Autoestima</a> » <strong>Só quem se Ama…</strong>'
        f'</span></p><center><img src="/img/ama.jpg" alt=""></center><p>{STORY}</p>'
        '<p><a href="/autoestima" rel="category tag">Mensagens de Autoestima</a>, <a '
        'href="/reflexao-vida" rel="category tag">Mensagens de Reflexão Sobre a Vida</a></p>'
        '</article><article id="post-1806" class="fundo postbox post-1806 post type-post">'
        f'<h3 class="relatedpoststitle">Você pode gostar...</h3>{related}</article></div>'
        "<footer><p>Mensagens de Reflexão © 2019</p></footer></body></html>"
    )


def test_story_without_the_related_posts_excerpts() -> None:
    ex = extract_generic(_page(), URL)
    assert ex is not None  # the category links are no teaser headline
    assert ex.paragraphs[0] == STORY
    assert not any("Excerto" in p for p in ex.paragraphs)
    assert ex.removed.get("other_articles", 0) >= len(EXCERPTS)  # and the box heading


def test_paragraphs_of_the_other_article_are_dropped() -> None:
    root = parse_html(_page())
    kept, removed = drop_other_articles(root, [STORY, *EXCERPTS])
    assert kept == [STORY]
    assert removed == len(EXCERPTS)


def test_text_within_one_article_is_kept() -> None:
    root = parse_html(_page())
    assert drop_other_articles(root, EXCERPTS) == (EXCERPTS, 0)
    assert drop_other_articles(root, [STORY, "Paragraph found in no article"]) == (
        [STORY, "Paragraph found in no article"], 0)


def test_category_links_do_not_make_the_story_a_teaser() -> None:
    """A 6-word category link beside the story's paragraph is no teaser headline
    (``rel="category tag"``); without it the story's <article> looks like a card."""
    from micnews.cleaners.generic import _teaser_share

    page = _page()
    assert _teaser_share(parse_html(page), [STORY]) == 0.0
    untagged = page.replace('rel="category tag"', 'rel="bookmark"')
    assert _teaser_share(parse_html(untagged), [STORY]) == 1.0


def test_listing_of_article_cards_stays_a_listing() -> None:
    """A category page whose teaser cards are <article> elements (vnexpress.net's listing
    in ../shared/realpages has 93) is refused: keeping one <article>'s text must not turn
    a listing into a one-card article."""
    cards = "".join(
        f'<article class="item-news"><h3 class="title-news"><a href="/tin-{i}.html">Tiêu đề '
        f"tin số {i} về hoạt động chuyển đổi số của tỉnh</a></h3><p class='description'>"
        f"Tóm tắt tin số {i}: Sở Thông tin và Truyền thông tổ chức nhiều hoạt động hỗ trợ "
        f"người dân sử dụng dịch vụ công trực tuyến trong tuần qua.</p></article>"
        for i in range(12)
    )
    html = (f"<html><body><h1>Chuyển đổi số</h1><div class='list-news'>{cards}</div>"
            "</body></html>")
    assert extract_generic(html, "https://stttt.example.gov.vn/chuyen-doi-so") is None


def test_without_a_headed_article_nothing_is_dropped() -> None:
    """The <h1> outside every <article>: the related box holds more text than the story,
    so "most text" would pick the excerpts; no evidence, no drop."""
    page = _page().replace('<h1 class="entry-title" itemprop="headline">Só quem se Ama…</h1>',
                           "").replace('<div id="primary">', "<h1>Só quem se Ama…</h1><div>")
    root = parse_html(page)
    assert root.find(".//article//h1") is None
    assert drop_other_articles(root, [STORY, *EXCERPTS]) == ([STORY, *EXCERPTS], 0)
