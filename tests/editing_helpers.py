"""Helpers for the staff-editing tests: users with explicit permissions, and admin form data."""

from typing import Any

from django.contrib.auth.models import Permission, User
from django.test import Client

from microcredentials.models import AdvicePage

ADMIN_PAGES = "/admin/microcredentials/advicepage/"

# What the "Content editors" and "Contact centre" groups are meant to hold (created on another branch):
# tests give users these permissions directly so they do not depend on that migration.
CONTENT_EDITOR_PERMISSIONS = [
    "add_advicepage", "change_advicepage", "delete_advicepage", "view_advicepage",
    "add_topic", "change_topic", "view_topic", "view_pagechange", "view_pagefeedback",
]  # fmt: skip
CONTACT_CENTRE_PERMISSIONS = [
    "add_sitealert", "change_sitealert", "delete_sitealert", "view_sitealert",
    "change_contactdetails", "view_contactdetails", "change_openinghours", "view_openinghours",
]  # fmt: skip


def make_user(
    username: str, permissions: list[str], *, is_staff: bool = True, full_name: str = "", password: str | None = None
) -> User:
    """A user with exactly these app permissions. Without a password (tests use force_login), which keeps tests fast."""
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(username, password=password, is_staff=is_staff, first_name=first, last_name=last)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="microcredentials", codename__in=permissions)
    )
    return user


def login(client: Client, user: User) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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
        "change_note": "",
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
