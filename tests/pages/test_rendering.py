"""Markdown rendering: the sanitiser, heading anchors and the contents list."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from microcredentials.models import AdvicePage
from microcredentials.pages import rendering
from microcredentials.pages.rendering import (
    RESERVED_IDS,
    MarkdownRefused,
    check_markdown_limits,
    contents_list,
    render_markdown_html,
)
from tests.signing_in import sign_in

ADVICE_URL = "/plan-your-career/micro-credentials/"
SHIPPED_PAGES = Path(settings.BASE_DIR) / "content" / "pages"


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert('hi')</script>Text", ["<script", "alert("]),
        ("<style>body { display: none }</style>Text", ["<style", "display: none"]),
        ('<iframe src="https://example.com/"></iframe>Text', ["<iframe", "example.com"]),
        ("<object data='x.swf'></object><embed src='x.swf'>Text", ["<object", "<embed", "x.swf"]),
        ('<svg onload="alert(1)"><circle r="1"/></svg>Text', ["<svg", "onload", "alert("]),
    ],
    ids=["script", "style", "iframe", "object-embed", "svg"],
)
def test_dangerous_elements_are_removed_with_their_content(source: str, forbidden: list[str]) -> None:
    html = render_markdown_html(source)
    for text in forbidden:
        assert text not in html
    assert "Text" in html


@pytest.mark.parametrize(
    "source",
    [
        '<p onclick="steal()">Text</p>',
        '<a href="https://example.com/" onmouseover="steal()">Text</a>',
        '<img src="/static/x.png" alt="Text" onerror="steal()">',
        "## Text {: onclick='steal()' }",
        '<p style="background: url(x)">Text</p>',
    ],
    ids=["paragraph", "link", "image", "markdown-attribute-list", "style-attribute"],
)
def test_event_and_style_attributes_are_removed(source: str) -> None:
    html = render_markdown_html(source)
    assert "steal()" not in html
    assert re.search(r"\son[a-z]+\s*=", html) is None
    assert "style=" not in html
    assert "Text" in html


@pytest.mark.parametrize(
    "source",
    [
        "[Click](javascript:steal())",
        '<a href="JaVaScRiPt:steal()">Click</a>',
        '<a href="  javascript:steal()">Click</a>',
        '<a href="java&#x09;script:steal()">Click</a>',
        "[Click](data:text/html;base64,PHNjcmlwdD5zdGVhbCgpPC9zY3JpcHQ+)",
        '<a href="vbscript:steal()">Click</a>',
    ],
    ids=["markdown-js", "mixed-case-js", "padded-js", "entity-js", "data-link", "vbscript"],
)
def test_links_with_script_or_data_urls_lose_their_href(source: str) -> None:
    html = render_markdown_html(source)
    assert "href" not in html
    assert "steal" not in html and "base64" not in html
    assert ">Click</a>" in html


@pytest.mark.parametrize(
    "source",
    [
        "![Chart](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="Chart">',
        "![Chart](javascript:steal())",
    ],
    ids=["markdown-data", "html-data", "markdown-js"],
)
def test_images_with_script_or_data_urls_lose_their_src(source: str) -> None:
    html = render_markdown_html(source)
    assert "src=" not in html
    assert 'alt="Chart"' in html


def test_te_reo_maori_is_marked_with_the_narrow_brace_syntax() -> None:
    html = render_markdown_html("Say [kia *ora*]{lang=mi} to your [whānau]{lang=mi}, or [hello]{lang=en}.")
    assert html == (
        '<p>Say <span lang="mi">kia <em>ora</em></span> to your <span lang="mi">whānau</span>, '
        'or <span lang="en">hello</span>.</p>'
    )
    linked = render_markdown_html("[[kia ora]{lang=mi}](https://www.tewahanui.nz/) and `[iwi]{lang=mi}`")
    assert '<a href="https://www.tewahanui.nz/" rel="noopener noreferrer"><span lang="mi">kia ora</span></a>' in linked
    assert "<code>[iwi]{lang=mi}</code>" in linked


@pytest.mark.parametrize(
    "source",
    [
        "[kia ora]{lang=fr}",
        "[kia ora]{.shout}",
        "[kia ora]{#kia}",
        "[kia ora]{: lang=mi}",
        "[kia ora]{lang=mi onclick=steal()}",
        "[kia ora]{lang=mi .shout}",
        "[kia ora]{lang='mi'}",
        "\\[kia ora]{lang=mi}",
    ],
    ids=["other-language", "class", "id", "colon-form", "event", "with-class", "quoted", "escaped"],
)
def test_every_other_brace_after_brackets_stays_plain_text(source: str) -> None:
    html = render_markdown_html(source)
    assert "<span" not in html and 'lang="' not in html
    assert html.startswith("<p>[kia ora]{")


@pytest.mark.parametrize(
    "source",
    [
        "*kia ora*{lang=mi}",
        "*kia ora*{: lang=mi .shout #x onclick=steal()}",
        "## Kia ora {lang=mi}",
        '<p lang="mi" title="Hello">Kia ora</p>',
        '<em lang="mi">Kia ora</em>',
        '<span lang="fr" class="shout" id="x" title="t" onclick="steal()" dir="rtl">Kia ora</span>',
        '<span lang="mi-x-anything">Kia ora</span>',
    ],
    ids=["emphasis", "emphasis-list", "heading", "raw-paragraph", "raw-emphasis", "span-others", "span-other-tag"],
)
def test_lang_survives_only_on_a_span_with_an_expected_language(source: str) -> None:
    html = render_markdown_html(source)
    assert "Kia ora" in html or "kia ora" in html
    for attribute in ("lang=", "class=", "title=", "onclick", "dir=", ' id="x"'):
        assert attribute not in html


def test_raw_html_spans_keep_only_an_allowed_lang() -> None:
    html = render_markdown_html('<span lang="MI" onclick="steal()" class="c">Kia ora</span> <span lang="en">Hi</span>')
    assert html == '<p><span lang="mi">Kia ora</span> <span lang="en">Hi</span></p>'


def test_links_to_other_sites_keep_working() -> None:
    html = render_markdown_html(
        "See [NZQA](https://www.nzqa.govt.nz/about-us/?tab=1&lang=mi), "
        "[our page](/plan-your-career/) or [email us](mailto:help@example.govt.nz)."
    )
    assert '<a href="https://www.nzqa.govt.nz/about-us/?tab=1&amp;lang=mi" rel="noopener noreferrer">NZQA</a>' in html
    assert 'href="/plan-your-career/"' in html
    assert 'href="mailto:help@example.govt.nz"' in html


def test_ordinary_formatting_survives() -> None:
    html = render_markdown_html(
        "Some **bold**, *italic* and `code`.\n\n- one\n- two\n\n| A | B |\n| - | - |\n| 1 | 2 |\n"
    )
    for fragment in ("<strong>bold</strong>", "<em>italic</em>", "<code>code</code>", "<li>one</li>", "<td>2</td>"):
        assert fragment in html


def test_every_heading_gets_an_id_made_from_its_text() -> None:
    html = render_markdown_html(
        "## Fees Free and student loans\n\n### Kia ora, wānanga!\n\n<h2>Written in HTML</h2>\n\n"
        "<h4 id='Not A Slug'>Odd id</h4>\n\nSetext heading\n--------------\n"
    )
    assert re.findall(r"<h[2-6] id=\"([^\"]+)\">", html) == [
        "fees-free-and-student-loans",
        "kia-ora-wananga",
        "written-in-html",
        "odd-id",
        "setext-heading",
    ]
    assert re.search(r"<h[1-6]>", html) is None


def test_heading_ids_are_stable_unique_and_never_clash_with_the_layout() -> None:
    source = (
        "## Contents heading\n\n## Repeat\n\n## Repeat\n\n<h2>Repeat</h2>\n\n"
        "<h3 id='main-content'>Main</h3>\n\n## 2024\n"
    )
    html = render_markdown_html(source)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 6
    assert "main-content" not in ids and "contents-heading" not in ids
    assert "section-2024" in ids
    assert render_markdown_html(source) == html


@pytest.mark.django_db
def test_every_id_the_page_layout_uses_is_reserved(client: Client, shipped_content: AdvicePage) -> None:
    # The advice page with everything the layout can add: the comment box and its error summary.
    response = client.post(f"/feedback/{shipped_content.pk}/", {"useful": "no", "comment": "x" * 1001})
    page = client.get(shipped_content.get_absolute_url()).content.decode() + response.content.decode()
    body_ids = set(re.findall(r' id="([^"]+)"', shipped_content.body_html))
    layout_ids = set(re.findall(r' id="([^"]+)"', page)) - body_ids
    assert {name for name in layout_ids if not name.startswith("id_")} <= RESERVED_IDS
    # So a heading named like one of them gets an id of its own.
    assert 'id="feedback-2"' in render_markdown_html("## Feedback\n\n## Site search\n")
    assert 'id="site-search-2"' in render_markdown_html("## Feedback\n\n## Site search\n")


def test_an_h1_in_the_body_becomes_an_h2_because_the_title_is_the_only_h1() -> None:
    html = render_markdown_html("# Big heading\n\nText")
    assert '<h2 id="big-heading">Big heading</h2>' in html
    assert "<h1" not in html


def test_contents_list_has_one_entry_per_h2_in_order() -> None:
    html = render_markdown_html("## First *part*\n\n### Not listed\n\n## Te reo &amp; you\n")
    assert [(entry.anchor, entry.text) for entry in contents_list(html)] == [
        ("first-part", "First part"),
        ("te-reo-you", "Te reo & you"),
    ]


@pytest.mark.django_db
def test_contents_anchors_match_heading_ids_on_the_shipped_page(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get(ADVICE_URL).content.decode()
    contents = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'<a href="#([^"]+)">', contents)
    body = html.split('<div class="advice__body">', 1)[1].split("</div>", 1)[0]  # the sanitiser allows no div
    h2_ids = re.findall(r'<h2 id="([^"]+)">', body)
    assert len(anchors) == 10
    assert anchors == h2_ids
    all_ids = re.findall(r' id="([^"]+)"', html)
    assert len(all_ids) == len(set(all_ids)), "ids on the page must be unique"


# Markdown that would take Python-Markdown minutes (its work grows with the square of the input) is refused
# before the slow step, with a message that says what to change.

SLOW_SHAPES = {
    "nested-square-brackets": ("[" * 4000 + "]" * 4000, "too many “[” or “`”"),
    "unclosed-square-brackets": ("[a " * 4000, "too many “[” or “`”"),
    "link-titles-never-closed": ('[a](b "c) ' * 1000, "too many “[” or “`”"),
    "unclosed-code-marks": ("``a`" * 2000, "too many “[” or “`”"),
    "unclosed-html-tags": ("<a b\n\n" * 3000, "too many “<” signs that no “>” closes, for example on line 1."),
    "long-block": ("***\n" * 1001, "Lines 1 to 1,001 have no blank line between them"),
    "too-long": ("word " * 20_001, "The body is 100,005 characters long; a page can have up to 100,000."),
    "deep-nesting": ("1. " * 30_000, "nested too deeply"),
    # attr_list tries each space before a "{" and reads on to the end of the line: 99,999 characters took 15 s.
    "attribute-braces-in-a-heading": (
        "# " + " {" * 49_998 + " ",
        "too many “{” signs after a space, for example on line 1.",
    ),
    "attribute-braces-in-a-table-cell": (
        "| a |\n| --- |\n| b" + " {" * 20_000 + " |\n",
        "too many “{” signs after a space, for example on line 3.",
    ),
    "attribute-braces-in-a-term": ("Term" + " {" * 20_000 + "\n: Its definition.\n", "too many “{” signs"),
    "attribute-braces-in-an-underlined-heading": ("Title" + " {" * 20_000 + "\n=====\n", "too many “{” signs"),
    "spaces-before-one-brace": ("# a" + " " * 99_990 + "{x", "too many “{” signs after a space"),
    # Python-Markdown reads a tab as spaces.
    "tabs-before-one-brace": ("# a" + "\t" * 25_000 + "{x", "too many “{” signs after a space"),
}


@pytest.mark.parametrize(("source", "message"), SLOW_SHAPES.values(), ids=SLOW_SHAPES.keys())
def test_markdown_that_would_render_slowly_is_refused_with_what_to_change(source: str, message: str) -> None:
    with pytest.raises(MarkdownRefused, match=re.escape(message)):
        render_markdown_html(source)


def test_the_attribute_brace_refusal_says_what_to_change_and_comes_at_once() -> None:
    """The refusal comes before Markdown runs, so the preview answers at once rather than after 15 seconds."""
    source = "## Fine {#fine}\n\nA paragraph.\n\n## Fees" + " {" * 49_980 + "\n"
    started = time.perf_counter()
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown_html(source)
    assert time.perf_counter() - started < 2
    assert str(refused.value) == (
        "The body has too many “{” signs after a space, for example on line 5. At the end of a heading or a table "
        "cell, “{” after a space starts a list of attributes (as in “## Fees {#fees}”), and a long run of them takes "
        "too long to read. Remove the “{” signs you do not need, or put a backslash before each one that is meant as "
        "text (\\{)."
    )


@pytest.mark.django_db
def test_the_editor_preview_refuses_the_attribute_brace_shape_with_the_message(client: Client) -> None:
    sign_in(client, User.objects.create_user("writer", password="a-long-test-password", is_staff=True))
    response = client.post("/markdownx/markdownify/", {"content": "# " + " {" * 49_998 + " "})
    assert response.status_code == 400
    assert "too many “{” signs after a space" in response.content.decode()


def test_the_refusal_gives_the_line_of_an_unclosed_tag() -> None:
    source = "## Fine\n\nA <b>closed</b> tag.\n\n" + "<a b\n\n" * 3000
    with pytest.raises(MarkdownRefused, match="for example on line 5"):
        render_markdown_html(source)


@pytest.mark.parametrize(
    "source",
    [
        "word " * 20_000,  # exactly the longest body
        "- item\n" * 1000,  # the most lines in a row
        "| Provider | Credits |\n| --- | --- |\n" + "| A polytechnic | 15 |\n" * 998,  # a long table
        "- [A useful link](https://www.careers.govt.nz/)\n" * 1000,  # many links, each in its own list item
        ("A [link](https://example.com/ 'title'), `code` and [another](/x/).\n" * 20 + "\n") * 40,
        "A \\[ bracket shown as text. " * 3000,  # escaped brackets start no search
        "```\n" + "[" * 5000 + "\n```\n",  # nor do brackets in a code block
        "Compare a < b, and 1 <2. " * 3000,
        ("## Fees {#fees}\n\n| Cost {.money} |\n| --- |\n| $100 |\n\n```\nbody { color: red; }\n```\n\n") * 200,
        "# A heading with braces shown as text" + " \\{" * 1000,  # escaped braces start no attribute list
    ],
    ids=[
        "longest",
        "most-lines",
        "long-table",
        "link-list",
        "link-paragraphs",
        "escaped",
        "code-block",
        "less-than-signs",
        "attribute-lists-and-code-with-braces",
        "escaped-braces",
    ],
)
def test_large_but_ordinary_markdown_is_accepted(source: str) -> None:
    assert render_markdown_html(source)


def test_a_normal_page_with_links_images_and_emphasis_still_renders() -> None:
    html = render_markdown_html(
        "## Study options\n\nRead [the NZQA list](https://www.nzqa.govt.nz/) first. It is **free** and *short*.\n\n"
        "![A learner at a laptop](/media/uploads/learner.png)\n\n- [Fees](/fees/) and `costs`\n"
    )
    assert html == (
        '<h2 id="study-options">Study options</h2>\n'
        '<p>Read <a href="https://www.nzqa.govt.nz/" rel="noopener noreferrer">the NZQA list</a> first. '
        "It is <strong>free</strong> and <em>short</em>.</p>\n"
        '<p><img alt="A learner at a laptop" src="/media/uploads/learner.png"></p>\n'
        '<ul>\n<li><a href="/fees/" rel="noopener noreferrer">Fees</a> and <code>costs</code></li>\n</ul>'
    )


@pytest.mark.parametrize("path", sorted(SHIPPED_PAGES.rglob("*.md")), ids=lambda path: path.stem)
def test_every_shipped_page_is_within_the_limits(path: Path) -> None:
    check_markdown_limits(path.read_text())
    assert render_markdown_html(path.read_text())


@pytest.mark.parametrize("path", sorted(SHIPPED_PAGES.rglob("*.md")), ids=lambda path: path.stem)
def test_every_shipped_page_renders_byte_for_byte_as_without_the_attribute_brace_check(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = path.read_text()
    guarded = rendering.render_body(source)
    monkeypatch.setattr(rendering, "_check_attribute_lists", lambda source: None)
    assert rendering.render_body(source) == guarded


def test_many_raw_html_headings_with_the_same_text_get_numbered_ids() -> None:
    html = render_markdown_html('<h2>Same</h2>\n\n<h2 id="same-2">Own id</h2>\n\n' + "<h2>Same</h2>\n\n" * 3)
    assert re.findall(r'<h2 id="([^"]+)">', html) == ["same", "same-2", "same-3", "same-4", "same-5"]
