"""Helpers for the staff-editing tests: staff users in the real groups, and admin form data."""

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from microcredentials.models import AdvicePage
from tests.signing_in import sign_in

ADMIN_PAGES = "/admin/microcredentials/advicepage/"

# The staff groups the migrations create (0002, 0008): tests use them as they are, so a test proves only
# what a real member of the group can do.
CONTENT_EDITORS = "Content editors"
CONTACT_CENTRE = "Contact centre"


def make_user(
    username: str, access: str | list[str], *, is_staff: bool = True, full_name: str = "", password: str | None = None
) -> User:
    """A member of the staff group named by `access`, or a user with exactly the app permissions it lists.

    Without a password (tests use force_login), which keeps tests fast.
    """
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(username, password=password, is_staff=is_staff, first_name=first, last_name=last)
    if isinstance(access, str):
        user.groups.add(Group.objects.get(name=access))
    else:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="microcredentials", codename__in=access)
        )
    return user


def login(client: Client, user: User) -> Client:
    sign_in(client, user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def change_url(page: AdvicePage) -> str:
    return f"{ADMIN_PAGES}{page.pk}/change/"


def form_data(page: AdvicePage, **changes: Any) -> dict[str, Any]:
    """The change form's fields as the admin would post them for `page`, with `changes` applied."""
    data: dict[str, Any] = {
        "title": page.title,
        "slug": page.slug,
        "topic": page.topic_id,
        "summary": page.summary,
        "body": page.body,
        "page_version": page.version,
        "status": page.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "owner": page.owner_id or "",
        "review_by": page.review_by.isoformat() if page.review_by else "",
        "order": page.order,
        "te_reo_version": page.te_reo_version_id or "",
        "change_note": "",
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
