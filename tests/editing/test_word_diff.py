"""The revision diff: words, not lines; two labelled columns; every character of the text escaped."""

import re
import xml.etree.ElementTree as ET

from microcredentials.editing.revisions import compare, diff_table, word_diff

BEFORE = "Gaining a micro-credential takes a few weeks and proves you have the skill.\n"
AFTER = "Gaining a micro-credential takes a few weeks and shows you have the skill.\n"


def marked(tag: str, html: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_only_the_changed_words_are_marked_and_whole() -> None:
    html = diff_table(BEFORE, AFTER, "Before", "After")
    assert marked("del", html) == ["proves"]
    assert marked("ins", html) == ["shows"]
    assert "weeks and <del>proves</del> you have" in html
    assert "weeks and <ins>shows</ins> you have" in html
    assert "an d" not in text_of(html)


def test_two_labelled_columns_and_no_line_markers() -> None:
    html = diff_table(BEFORE, AFTER, "When you opened it", "The page now")
    root = ET.fromstring(html)  # well-formed: one element, everything inside escaped
    assert (root.tag, root.get("class")) == ("div", "word-diff")
    columns = list(root)
    assert [column.get("class") for column in columns] == ["word-diff-before", "word-diff-after"]
    assert [column[0].tag for column in columns] == ["h4", "h4"]
    assert [column[0].text for column in columns] == ["When you opened it", "The page now"]
    assert [column[1].get("class") for column in columns] == ["word-diff-text", "word-diff-text"]
    # None of difflib's table: no line numbers, no f/n/t links to the next change, no legend.
    assert "<table" not in html and "<a " not in html and "difflib" not in html and "legend" not in html
    assert re.search(r">\s*[fnt]\s*<", html) is None
    assert re.search(r">\s*\d+\s*<", html) is None


def test_the_text_and_the_labels_are_escaped() -> None:
    html = diff_table(
        "Keep <b>this</b> & that.",
        "Keep <b>this</b> & <script>alert('x')</script> that.",
        "<i>Mine</i>",
        "Theirs",
    )
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "<ins>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; </ins>that." in html
    assert "Keep &lt;b&gt;this&lt;/b&gt; &amp; " in html
    assert "&lt;i&gt;Mine&lt;/i&gt;</h4>" in html
    removed, inserted = word_diff("<script>alert(1)</script> Old", "New")
    assert removed == "<del>&lt;script&gt;alert(1)&lt;/script&gt; Old</del>"
    assert inserted == "<ins>New</ins>"


def test_line_breaks_and_paragraphs_are_kept() -> None:
    before = "## Costs\n\nFees vary.\n\nAsk the provider.\n"
    after = "## Costs\n\nFees vary a lot.\n\nAsk the provider.\n"
    removed, inserted = word_diff(before, after)
    assert removed == "## Costs\n\nFees <del>vary.</del>\n\nAsk the provider.\n"
    assert inserted == "## Costs\n\nFees <ins>vary a lot.</ins>\n\nAsk the provider.\n"


def test_the_spaces_between_changed_words_join_them_into_one_change() -> None:
    removed, inserted = word_diff("the cat sat on the mat", "a dog ran on the mat")
    assert (removed, inserted) == ("<del>the cat sat</del> on the mat", "<ins>a dog ran</ins> on the mat")


def test_a_word_only_added_or_only_removed_is_marked_on_its_side_only() -> None:
    removed, inserted = word_diff("Short courses cost money.", "Short online courses cost money.")
    assert removed == "Short courses cost money."
    assert inserted == "Short <ins>online </ins>courses cost money."


def test_long_unchanged_stretches_are_shortened_around_the_changes() -> None:
    before = "\n".join(f"Line {number} of the page." for number in range(1, 31))
    after = before.replace("Line 15 of", "Line fifteen of")
    removed, inserted = word_diff(before, after)
    for html in (removed, inserted):
        assert '<span class="word-diff-skip">[12 unchanged lines]</span>\nLine 13 of' in html
        assert 'Line 17 of the page.\n<span class="word-diff-skip">[13 unchanged lines]</span>' in html
        assert "Line 2 of" not in html and "Line 29 of" not in html
    assert "Line <del>15</del> of the page." in removed
    assert "Line <ins>fifteen</ins> of the page." in inserted


def test_an_empty_side_says_so() -> None:
    html = diff_table("", "A new summary.", "Before", "After")
    assert '<span class="word-diff-empty">(empty)</span>' in html
    assert "<ins>A new summary.</ins>" in html


def test_a_long_repetitive_text_is_compared_quickly_and_exactly() -> None:
    before = "a " * 25_000
    after = "a " * 12_000 + "b " + "a " * 13_000
    removed, inserted = word_diff(before, after)
    assert marked("ins", inserted) == ["b "] and marked("del", removed) == []


def test_compare_gives_text_fields_the_word_diff_and_other_fields_before_and_after() -> None:
    diffs = compare(
        {"title": "Write a CV", "body": BEFORE, "slug": "cv"},
        {"title": "Write a CV", "body": AFTER, "slug": "write-a-cv"},
        "Before",
        "After",
    )
    assert [diff.label for diff in diffs] == ["Body", "Address (slug)"]
    assert diffs[0].table is not None and "<ins>shows</ins>" in diffs[0].table
    assert (diffs[1].table, diffs[1].before, diffs[1].after) == (None, "cv", "write-a-cv")
