"""Content checks: each fires on a sample, stays quiet on the shipped content, and check_content's exit codes."""

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from microcredentials.models import AdvicePage
from microcredentials.pages import content_checks
from microcredentials.pages.content_checks import check_page, parse_body
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user

SHIPPED = settings.BASE_DIR / "content"


def warnings_for(body: str, title: str = "A page", summary: str = "About it.") -> list[str]:
    return check_page(title, summary, body).warnings


# Each check on a sample.


def test_an_h1_in_the_body_is_flagged() -> None:
    (warning,) = warnings_for("# Big title\n\nText.")
    assert warning.startswith('The heading "Big title" is a level 1 heading')


def test_skipped_heading_levels_are_flagged_and_a_good_outline_is_not() -> None:
    (warning,) = warnings_for("## Costs\n\n#### Fees Free\n\nText.")
    assert warning == (
        'The heading "Fees Free" jumps from level 2 to level 4. '
        "Use a level 3 heading (###) so the page outline has no gaps."
    )
    assert warnings_for("## Costs\n\n### Fees Free\n\n#### Detail\n\n## Next\n\nText.") == []
    assert warnings_for("<h3>Straight to three</h3>")[0].startswith(
        'The heading "Straight to three" jumps from level 1'
    )


@pytest.mark.parametrize(
    "text", ["click here", "Here", "read more", "Read more…", "More", "this link", "Find out more"]
)
def test_vague_link_text_is_flagged(text: str) -> None:
    (warning,) = warnings_for(f"See [{text}](https://www.nzqa.govt.nz/).")
    assert f'The link text "{text}" does not say where the link goes.' in warning


def test_descriptive_link_text_and_empty_links() -> None:
    assert warnings_for("Read about [NZQA-approved micro-credentials](https://www.nzqa.govt.nz/).") == []
    assert warnings_for('<a href="https://www.nzqa.govt.nz/"></a>') == [
        "A link has no text. Give every link words that say where it goes."
    ]


def test_images_without_alt_text_are_flagged() -> None:
    assert warnings_for("![](/media/uploads/a.png)") == [
        "An image has no alt text. Describe each image between the square brackets: ![What it shows](address)."
    ]
    assert warnings_for('![ ](/a.png) <img src="/b.png"> <img src="/c.png" alt="">')[0].startswith(
        "3 images have no alt text."
    )
    assert warnings_for("![A learner at a workbench](/media/uploads/a.png)") == []


def test_links_to_anchors_the_page_does_not_have_are_flagged() -> None:
    body = "## Fees Free and student loans\n\nSee [the fees section](#fees-free-and-student-loans).\n"
    assert warnings_for(body) == []
    assert (
        warnings_for(body + "\n[Skip to the start](#main-content) and [the custom one](#mine)\n\n## Other {#mine}\n")
        == []
    )
    assert warnings_for(body + "\nOr [the costs](#costs).\n") == [
        'The link "the costs" goes to #costs, but nothing on this page has that anchor. '
        'Link to a heading: its anchor is its text in lower case, with hyphens for spaces (as in "On this page").'
    ]


def test_footnotes_link_to_each_other() -> None:
    assert warnings_for("## Fees\n\nCosts vary.[^1]\n\n[^1]: Ask the provider.\n") == []


def test_a_body_the_site_refuses_to_render_gets_only_that_warning() -> None:
    [warning] = warnings_for("[" * 4000 + "]" * 4000)
    assert warning.startswith("A paragraph, list item or table cell has too many “[” or “`” for its length")


def test_images_not_stored_on_this_site_are_flagged() -> None:
    assert warnings_for("![A learner](https://evil.example/x.png) ![A badge](//cdn.example/b.png)") == [
        'The image "A learner" is not stored on this site, so readers would see a broken image. '
        "Upload it in the editor instead: drag the image file into the page text.",
        'The image "A badge" is not stored on this site, so readers would see a broken image. '
        "Upload it in the editor instead: drag the image file into the page text.",
    ]
    assert warnings_for("![A learner at a workbench](/media/uploads/a.png)") == []
    # A full address on this site is fine; an image written into the page (data:) is stripped, so it is not.
    assert warnings_for(f"![A learner at a workbench]({settings.SITE_URL}/media/uploads/a.png)") == []
    assert warnings_for("![A dot](data:image/png;base64,iVBORw0KGgo=)") == [
        'The image "A dot" is not stored on this site, so readers would see a broken image. '
        "Upload it in the editor instead: drag the image file into the page text."
    ]


@pytest.mark.parametrize(
    ("plain", "correct"),
    [
        ("Maori", "Māori"),
        ("wananga", "wānanga"),
        ("whanau", "whānau"),
        ("Te Pukenga", "Te Pūkenga"),
        ("tangata", "tāngata"),
        ("korero", "kōrero"),
        ("matauranga", "mātauranga"),
    ],
)
def test_te_reo_words_without_macrons_are_flagged(plain: str, correct: str) -> None:
    # Marked as te reo, so that only the macrons are left to warn about.
    (warning,) = warnings_for(f"Talk with [{plain}]{{lang=mi}} about it.")
    assert warning == f'"{plain}" is written without macrons. Write "{correct}".'
    assert warnings_for(f"Talk with [{correct}]{{lang=mi}} about it.") == []


def test_macron_check_matches_whole_words_in_any_case_and_skips_code_and_addresses() -> None:
    assert warnings_for("MAORI and maori and Te   pukenga.", title="Maori careers") == [
        '"Maori" is written without macrons (3 times). Write "Māori".',
        '"Te pukenga" is written without macrons. Write "Te Pūkenga".',
    ]
    assert len(warnings_for("Te\npukenga")) == 1
    assert warnings_for("Maoriland, whanaungatanga, `maori` and [Māori](https://maori.example.nz/).") == []


def test_unmarked_te_reo_words_are_named_once_each_with_the_way_to_mark_them() -> None:
    body = "Kia ora! Ask your whanau, your IWI and your kaiako. Kia   ora again, and talk with your iwi."
    assert warnings_for(body) == [
        '"whanau" is written without macrons. Write "whānau".',
        'Some te reo Māori words are not marked as te reo: "Kia ora", "whanau", "IWI", "kaiako". Marking them '
        "helps screen readers say them properly. Write each one like this: [Kia ora]{lang=mi}",
    ]


def test_te_reo_words_marked_in_markdown_or_html_in_phrases_or_in_code_are_not_flagged() -> None:
    assert warnings_for("Learn about [te reo Māori]{lang=mi} and [mātauranga Māori]{lang=mi}.") == []
    assert warnings_for('<p>The <span lang="mi"><em>marae</em> and its tikanga</span>.</p>') == []
    assert warnings_for("`iwi` in code, and words that only start alike: akoranga, mahinga, iwitanga.") == []
    macrons, warning = warnings_for("Learn about te   reo Maori.")
    assert macrons.startswith('"Maori" is written without macrons')
    assert '"te reo Maori"' in warning and "[te reo Maori]{lang=mi}" in warning
    (warning,) = warnings_for("## Ako at work\n\nText.")
    assert 'not marked as te reo: "Ako"' in warning


def test_a_long_page_is_flagged() -> None:
    body = "Learning on the job suits many people. " * 300
    (warning,) = warnings_for(body)
    assert warning == ("The page has 2100 words, more than the 1500 we aim for. Consider splitting it into two pages.")
    assert content_checks.length_warnings(100, limit=50)


def test_readability_and_reading_time_are_informational() -> None:
    plain = "You can study online. You can learn at work. Ask the provider what it costs. " * 10
    report = check_page("Study", "How to study.", plain)
    assert report.warnings == []
    assert report.notes[0] == "About 150 words: 1 min to read."
    assert report.notes[1].startswith("Readability (Flesch reading ease): ")
    assert report.notes[1].endswith(", plain English.")
    sentence = "Accreditation considerations notwithstanding, equivalency determinations necessitate deliberation. "
    hard = sentence * 5
    assert "harder than plain English" in check_page("Hard", "", hard).notes[1]
    assert content_checks.reading_minutes(401) == 3


def test_parse_body_reads_raw_html_too() -> None:
    parsed = parse_body('<h4>Raw</h4> <a href="/x">here</a> <img src="/i.png">')
    assert parsed.headings == [(4, "Raw")]
    assert parsed.links == [("here", "/x")]
    assert parsed.images == [(None, "/i.png")]


# Quiet on the shipped content.


@pytest.mark.django_db
def test_the_shipped_page_has_no_warnings(shipped_content: AdvicePage) -> None:
    report = check_page(shipped_content.title, shipped_content.summary, shipped_content.body)
    assert report.warnings == []
    out = io.StringIO()
    call_command("check_content", stdout=out)
    assert out.getvalue().strip() == f"Checked {AdvicePage.objects.count()} page(s): no warnings."


# Shown to the editor after a save, without blocking it.


@pytest.mark.django_db
def test_warnings_show_after_saving_and_do_not_block_it(client: Client, make_page: Callable[..., AdvicePage]) -> None:
    page = make_page()
    editor = make_user("editor", CONTENT_EDITORS)
    response = login(client, editor).post(
        change_url(page),
        form_data(page, body="## Fees\n\n[Click here](/fees/) for whanau fees.\n\n![](/x.png)"),
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][1] == 302
    assert 'class="warning">Check: The link text &quot;Click here&quot; does not say where the link goes.' in html
    assert "Check: &quot;whanau&quot; is written without macrons. Write &quot;wānanga&quot;" not in html
    assert "Check: &quot;whanau&quot; is written without macrons. Write &quot;whānau&quot;." in html
    assert "Check: An image has no alt text." in html
    assert 'class="info">About 6 words: 1 min to read.' in html
    page.refresh_from_db()
    assert "[Click here]" in page.body


# The command and its exit codes.


def run_check_content(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check_content", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SECRET_KEY": "test-only-secret-key"},
        timeout=60,
    )


def write_content(folder: Path, body: str, front: str = "") -> Path:
    (folder / "pages" / "find-a-job").mkdir(parents=True)
    (folder / "topics.yaml").write_text("- title: Find a job\n  slug: find-a-job\n", encoding="utf-8")
    page = folder / "pages" / "find-a-job" / "cv.md"
    page.write_text(
        front or "---\ntitle: Write a CV\ntopic: find-a-job\nslug: cv\nsummary: How.\nupdated_on: 2025-01-01\n---\n\n",
        encoding="utf-8",
    )
    with page.open("a", encoding="utf-8") as file:
        file.write(body)
    return page


def test_check_content_exits_0_on_the_shipped_content() -> None:
    result = run_check_content("--content-dir", str(SHIPPED))
    shipped_pages = len(list((SHIPPED / "pages").rglob("*.md")))
    assert (result.returncode, result.stdout.strip()) == (0, f"Checked {shipped_pages} page(s): no warnings.")


def test_check_content_exits_1_and_names_the_problems(tmp_path: Path) -> None:
    page = write_content(tmp_path, "## Apply\n\n[Click here](/apply/) to apply.\n")
    result = run_check_content("--content-dir", str(tmp_path))
    assert result.returncode == 1
    assert f'{page}: The link text "Click here" does not say where the link goes.' in result.stdout
    assert "1 of 1 page(s) have content warnings." in result.stderr


def test_check_content_exits_2_when_files_cannot_be_read(tmp_path: Path) -> None:
    write_content(tmp_path, "", front="---\ntitle: [unclosed\n---\n")
    result = run_check_content("--content-dir", str(tmp_path))
    assert result.returncode == 2
    assert "the front matter is not valid YAML" in result.stderr


@pytest.mark.django_db
def test_check_content_on_the_database_fails_on_warnings(make_page: Callable[..., AdvicePage]) -> None:
    make_page(body="## Fees\n\n#### Detail\n")
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_content", "--notes", stdout=out)
    assert raised.value.returncode == 1
    assert '/find-a-job/write-a-cv/: The heading "Detail" jumps from level 2 to level 4.' in out.getvalue()
    assert "/find-a-job/write-a-cv/: About 2 words: 1 min to read." in out.getvalue()
