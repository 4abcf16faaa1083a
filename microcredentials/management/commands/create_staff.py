"""Create a staff account in one or more of the staff groups, ready to sign in to the admin.

    manage.py create_staff USERNAME --group "Contact centre" [--group "Reviewers"] [--email ADDRESS]
                           [--generate-password]

Asks for the password twice (it is not echoed), or with --generate-password makes a strong one and prints it
once. The account gets Staff status (without it nobody can sign in) and no other permissions than its groups'.
Run it again for an existing user to add groups; their password is then changed only if one is asked for.
"""

import getpass
import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from microcredentials.staff import STAFF_GROUPS

GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters


class Command(BaseCommand):
    help = "Create a staff user in a staff group (Content editors, Contact centre, Reviewers) and set a password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--group",
            action="append",
            required=True,
            metavar="NAME",
            help=f"A group to put the user in (repeat for several). Staff groups: {', '.join(STAFF_GROUPS)}.",
        )
        parser.add_argument("--email", default="", help="The user's email address.")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="Make a strong password and print it once, instead of asking.",
        )

    def handle(
        self, *args: Any, username: str, group: list[str], email: str, generate_password: bool, **options: Any
    ) -> None:
        groups = self._groups(group)
        user = User.objects.filter(username=username).first()
        new = user is None
        if user is None:
            user = User(username=username, email=email)
        elif email:
            user.email = email
        password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES) if generate_password else None
        if password is None and new:
            password = self._ask_for_password(user)
        with transaction.atomic():
            if password is not None:
                user.set_password(password)
            user.is_staff = True
            user.save()
            user.groups.add(*groups)
        names = ", ".join(g.name for g in groups)
        self.stdout.write(f"{'Created' if new else 'Updated'} staff user {username!r} in: {names}.")
        if generate_password:
            self.stdout.write(f"Password (shown only this once; pass it on safely): {password}")

    def _groups(self, names: list[str]) -> list[Group]:
        found = {group.name: group for group in Group.objects.filter(name__in=names)}
        unknown = [name for name in names if name not in found]
        if unknown:
            existing = ", ".join(f'"{name}"' for name in Group.objects.order_by("name").values_list("name", flat=True))
            existing = existing or "none yet (run migrate first)"
            raise CommandError(
                f'There is no group called "{unknown[0]}". Use one of these, spelt exactly so: {existing}.'
            )
        return [found[name] for name in dict.fromkeys(names)]

    def _ask_for_password(self, user: User) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords were not the same. Nothing was created.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("That password cannot be used: " + " ".join(error.messages)) from error
        return password
