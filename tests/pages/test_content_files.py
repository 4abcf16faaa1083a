"""load_content and export_content: idempotent, clear errors, editors' changes kept, byte-for-byte round trip."""

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from microcredentials.models import AdvicePage, Topic

SHIPPED = settings.BASE_DIR / "content"
PAGE = Path("pages/plan-your-career/micro-credentials.md")

pytestmark = pytest.mark.django_db


def load(content_dir: Path = SHIPPED, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_content", "--content-dir", str(content_dir), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[dict[str, Any]]:
    topics = [dict(row) for row in Topic.objects.order_by("pk").values()]
    return topics + [dict(row) for row in AdvicePage.objects.order_by("pk").values()]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content/ that a test may change."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "content"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_load_changes_nothing_and_says_so() -> None:
    out, _ = load()
    assert "Added page" in out and "Added topic plan-your-career." in out
    before = snapshot()
    out, err = load()
    assert out == "Nothing to change: the database already matches content/.\n"
    assert err == ""
    assert snapshot() == before


def test_a_changed_file_updates_its_page(content: Path) -> None:
    load(content)
    edit(content / PAGE, "## What micro-credentials cost", "## What a micro-credential costs")
    edit(content / PAGE, "updated_on: 2026-11-28", "updated_on: 2024-02-01")
    out, err = load(content)
    assert out == f"Updated page {content / PAGE}.\n"
    assert err == ""
    page = AdvicePage.objects.get(slug="micro-credentials")
    assert page.updated_on.isoformat() == "2024-02-01"
    assert '<h2 id="what-a-micro-credential-costs">What a micro-credential costs</h2>' in page.body_html
    assert load(content)[0].startswith("Nothing to change")


def test_a_changed_topic_is_updated(content: Path) -> None:
    load(content)
    edit(content / "topics.yaml", "title: Plan your career", "title: Plan your future")
    assert load(content)[0] == "Updated topic plan-your-career.\n"
    assert Topic.objects.get(slug="plan-your-career").title == "Plan your future"


def test_a_hand_written_file_can_be_changed_again_without_a_false_conflict(content: Path) -> None:
    # Quoting, an explicit default and extra blank lines differ from what export writes.
    edit(content / PAGE, "title: Micro-credentials", "title: 'Micro-credentials'\nstatus: published")
    (content / PAGE).write_text((content / PAGE).read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    load(content)
    assert load(content)[0].startswith("Nothing to change")
    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    out, err = load(content)
    assert (out, err) == (f"Updated page {content / PAGE}.\n", "")
    assert "Prices differ between courses." in AdvicePage.objects.get(slug="micro-credentials").body


def test_a_scheduled_page_in_another_utc_offset_loads_once(content: Path) -> None:
    edit(content / PAGE, "updated_on: 2026-11-28", "updated_on: 2026-11-28\npublish_at: 2030-01-01T09:00:00+13:00")
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    assert page.publish_at is not None and page.publish_at.isoformat() == "2029-12-31T20:00:00+00:00"
    assert load(content)[0].startswith("Nothing to change")


LOAD_COMMENT = "Loaded from content/pages/plan-your-career/micro-credentials.md by load_content"


def page_versions() -> list[Version]:
    return list(Version.objects.get_for_object(AdvicePage.objects.get(slug="micro-credentials")))


def test_a_load_that_adds_or_updates_a_page_records_a_revision_naming_its_file(content: Path) -> None:
    load(content)
    (added,) = page_versions()
    assert (added.revision.comment, added.revision.user) == (LOAD_COMMENT, None)
    assert added.field_dict["body"] == AdvicePage.objects.get(slug="micro-credentials").body
    revisions = Revision.objects.count()
    assert revisions == AdvicePage.objects.count()  # one for each page added

    assert load(content)[0].startswith("Nothing to change")
    assert Revision.objects.count() == revisions  # a second run records nothing

    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    load(content)
    updated, first = page_versions()
    assert first == added
    assert updated.revision.comment == LOAD_COMMENT
    assert "Prices differ between courses." in updated.field_dict["body"]
    assert updated.field_dict["version"] == 2
    assert Revision.objects.count() == revisions + 1


def test_a_page_left_alone_gets_no_revision(content: Path) -> None:
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    page.summary = "An editor's better summary."
    page.save()
    revisions = Revision.objects.count()
    assert "Kept 1 page(s)" in load(content)[0]
    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    assert "Conflict" in load(content)[1]
    assert Revision.objects.count() == revisions


def test_a_page_loaded_before_loads_were_recorded_keeps_its_old_text_as_a_revision(content: Path) -> None:
    load(content)
    Version.objects.all().delete()
    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    out, err = load(content)
    assert (out, err) == (f"Updated page {content / PAGE}.\n", "")
    updated, baseline = page_versions()
    assert baseline.revision.comment == "The page as loaded from content/, before its first recorded change."
    assert "Prices vary from course to course." in baseline.field_dict["body"]
    assert updated.revision.comment == LOAD_COMMENT


BAD_FILES = [
    ("missing-title", "title: Micro-credentials\n", "", "missing title in the front matter"),
    ("unknown-key", "slug: micro", "colour: teal\nslug: micro", "unknown front-matter key(s): colour"),
    ("not-a-date", "2026-11-28", "28 November 2026", "updated_on must be a real date written as YYYY-MM-DD"),
    ("impossible-date", "2026-11-28", "2023-02-30", "not '2023-02-30'"),
    ("unknown-topic", "topic: plan-your-career", "topic: find-a-job", "unknown topic 'find-a-job'"),
    ("bad-slug", "slug: micro-credentials", "slug: Micro Credentials!", "slug must be lower-case letters"),
    ("bad-yaml", "title: Micro-credentials", "title: [Micro", "the front matter is not valid YAML"),
    ("too-slow", "## What micro-credentials are", "[" * 4000 + "]" * 4000, "too many “[” or “`”"),
    ("te-reo-shape", "slug: micro", "te_reo_version: nga-tohu-iti\nslug: micro", "must name a page as topic/slug"),
    ("te-reo-unknown", "slug: micro", "te_reo_version: plan-your-career/nga-tohu-iti\nslug: micro", "is not a page"),
    (
        "te-reo-itself",
        "slug: micro",
        "te_reo_version: plan-your-career/micro-credentials\nslug: micro",
        "names this page itself",
    ),
]


@pytest.mark.parametrize(("old", "new", "problem"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_rejected_by_name_without_touching_the_database(
    content: Path, old: str, new: str, problem: str
) -> None:
    load(content)
    before = snapshot()
    # A good change in topics.yaml proves nothing at all is written, not just the bad page.
    edit(content / "topics.yaml", "title: Plan your career", "title: Plan your future")
    edit(content / PAGE, old, new)
    with pytest.raises(CommandError) as error:
        load(content)
    assert str(error.value).startswith(f"{content / PAGE}: ")
    assert problem in str(error.value)
    assert snapshot() == before


TE_REO_PAGE = Path("pages/plan-your-career/nga-tohu-iti.md")


def add_te_reo_version(content: Path) -> None:
    """Ngā tohu iti: a te reo Māori version of the shipped page, named in the English page's file."""
    text = (content / PAGE).read_text(encoding="utf-8")
    text = text.replace("title: Micro-credentials", "title: Ngā tohu iti").replace(
        "slug: micro-credentials", "slug: nga-tohu-iti"
    )
    (content / TE_REO_PAGE).write_text(text, encoding="utf-8")
    edit(
        content / PAGE,
        "updated_on: 2026-11-28\n",
        "updated_on: 2026-11-28\nte_reo_version: plan-your-career/nga-tohu-iti\n",
    )


def test_a_te_reo_version_loads_links_both_pages_and_exports_as_it_was_written(content: Path, tmp_path: Path) -> None:
    add_te_reo_version(content)
    out, err = load(content)
    assert err == "" and "Added page" in out
    english = AdvicePage.objects.get(slug="micro-credentials")
    assert english.te_reo_version == AdvicePage.objects.get(slug="nga-tohu-iti")
    assert load(content)[0] == "Nothing to change: the database already matches content/.\n"

    call_command("export_content", content_dir=tmp_path / "exported", stdout=io.StringIO())
    exported = (tmp_path / "exported" / PAGE).read_text(encoding="utf-8")
    assert exported == (content / PAGE).read_text(encoding="utf-8")
    assert "te_reo_version" not in (tmp_path / "exported" / TE_REO_PAGE).read_text(encoding="utf-8")


def test_a_te_reo_version_named_twice_or_that_names_one_itself_is_refused(content: Path) -> None:
    add_te_reo_version(content)
    copy = content / "pages/plan-your-career/micro-credentials-again.md"
    shutil.copyfile(content / PAGE, copy)
    edit(copy, "slug: micro-credentials", "slug: micro-credentials-again")
    with pytest.raises(CommandError, match="already names 'plan-your-career/nga-tohu-iti'"):
        load(content)
    edit(copy, "te_reo_version: plan-your-career/nga-tohu-iti\n", "")
    edit(content / TE_REO_PAGE, "updated_on:", "te_reo_version: plan-your-career/micro-credentials-again\nupdated_on:")
    with pytest.raises(CommandError, match="names a te reo Māori version of its own"):
        load(content)
    assert snapshot() == []


def test_a_te_reo_version_another_page_names_in_the_admin_is_refused_by_name(content: Path) -> None:
    add_te_reo_version(content)
    edit(content / PAGE, "te_reo_version: plan-your-career/nga-tohu-iti\n", "")
    load(content)
    AdvicePage.objects.filter(slug="privacy").update(te_reo_version=AdvicePage.objects.get(slug="nga-tohu-iti"))
    add_te_reo_version_link = "updated_on: 2026-11-28\nte_reo_version: plan-your-career/nga-tohu-iti\n"
    edit(content / PAGE, "updated_on: 2026-11-28\n", add_te_reo_version_link)
    with pytest.raises(CommandError, match="/about-this-site/privacy/ already names plan-your-career/nga-tohu-iti"):
        load(content)


def test_a_duplicate_slug_is_rejected_naming_both_files(content: Path) -> None:
    copy = content / "pages/plan-your-career/micro-credentials-copy.md"
    shutil.copyfile(content / PAGE, copy)
    with pytest.raises(CommandError) as error:
        load(content)
    message = str(error.value)
    assert message.startswith(f"{content / PAGE}: duplicate slug 'micro-credentials' in topic 'plan-your-career'")
    assert str(copy) in message
    assert snapshot() == []


def test_a_page_edited_in_the_admin_is_not_overwritten(content: Path) -> None:
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    page.summary = "An editor's better summary."
    page.save()
    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    out, err = load(content)
    assert "Conflict: /plan-your-career/micro-credentials/ was edited in the admin" in err
    assert str(content / PAGE) in err and "--force" in err
    assert "Left 1 page(s) alone" in out
    page.refresh_from_db()
    assert page.summary == "An editor's better summary."
    assert "Prices vary from course to course." in page.body


def test_force_overwrites_a_page_edited_in_the_admin(content: Path) -> None:
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    page.summary = "An editor's better summary."
    page.save()
    version_before = page.version
    edit(content / PAGE, "Prices vary from course to course.", "Prices differ between courses.")
    out, err = load(content, "--force")
    assert (out, err) == (f"Updated page {content / PAGE}.\n", "")
    page.refresh_from_db()
    assert page.summary.startswith("Micro-credentials are short, focused courses")
    assert "Prices differ between courses." in page.body
    assert page.version == version_before + 1, "an editor's open form must now meet a conflict"


def test_an_admin_edit_is_kept_when_the_file_has_not_changed(content: Path) -> None:
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    page.title = "Micro-credentials explained"
    page.save()
    out, err = load(content)
    assert "Kept 1 page(s) edited in the admin" in out
    assert err == ""
    page.refresh_from_db()
    assert page.title == "Micro-credentials explained"


def test_a_page_created_in_the_admin_is_not_replaced_by_a_file(content: Path) -> None:
    load(content)
    AdvicePage.objects.filter(slug="micro-credentials").delete()
    topic = Topic.objects.get(slug="plan-your-career")
    AdvicePage.objects.create(topic=topic, slug="micro-credentials", title="Draft", summary="S", body="## Mine\n")
    out, err = load(content)
    assert "Conflict" in err
    assert AdvicePage.objects.get(slug="micro-credentials").title == "Draft"


def test_load_then_export_reproduces_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    load()
    out = io.StringIO()
    call_command("export_content", "--content-dir", str(tmp_path), stdout=out)
    shipped = sorted(path.relative_to(SHIPPED) for path in SHIPPED.rglob("*") if path.is_file())
    exported = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert exported == shipped
    for relative in shipped:
        assert (tmp_path / relative).read_bytes() == (SHIPPED / relative).read_bytes(), relative


def test_export_writes_admin_edits_and_a_later_load_has_nothing_to_do(content: Path) -> None:
    load(content)
    page = AdvicePage.objects.get(slug="micro-credentials")
    page.body = page.body.replace("Prices vary from course to course.", "Prices differ between courses.")
    page.save()
    out = io.StringIO()
    call_command("export_content", "--content-dir", str(content), stdout=out)
    assert out.getvalue() == f"Exported to {content}: 1 file(s) changed.\n"
    assert "Prices differ between courses." in (content / PAGE).read_text(encoding="utf-8")
    assert load(content) == ("Nothing to change: the database already matches content/.\n", "")


@pytest.mark.django_db
def test_a_topic_cannot_take_an_address_the_site_uses(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "topics.yaml").write_text("- title: Search\n  slug: search\n", encoding="utf-8")
    with pytest.raises(CommandError, match="topic slug 'search' is used by the site itself"):
        call_command("load_content", "--content-dir", str(content), stdout=io.StringIO())
    assert not Topic.objects.filter(slug="search").exists()
    with pytest.raises(ValidationError, match="used by the site itself"):
        Topic(title="Tools", slug="tools").full_clean()


def test_a_topic_kept_off_the_home_page_is_loaded_so_and_changed_when_its_file_changes(content: Path) -> None:
    load(content)
    assert Topic.objects.get(slug="about-this-site").on_home_page is False
    assert Topic.objects.get(slug="plan-your-career").on_home_page is True
    edit(content / "topics.yaml", "  on_home_page: false\n", "")  # the default: on the home page
    assert load(content)[0] == "Updated topic about-this-site.\n"
    assert Topic.objects.get(slug="about-this-site").on_home_page is True


def test_on_home_page_must_be_true_or_false(content: Path) -> None:
    edit(content / "topics.yaml", "on_home_page: false", "on_home_page: sometimes")
    with pytest.raises(CommandError) as error:
        load(content)
    assert str(error.value) == f"{content / 'topics.yaml'}: on_home_page must be true or false."
    assert snapshot() == []
