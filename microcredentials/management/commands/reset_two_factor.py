"""Forget a staff user's second factors (passkeys, authenticator apps, recovery codes).

    manage.py reset_two_factor USERNAME

For someone who has lost them all. Their password still works; at their next sign-in they set up a new
second step before they can reach anything. Signed-in sessions that were verified with a removed device
stop counting as verified at their next request.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcredentials.staff.two_factor import remove_devices


class Command(BaseCommand):
    help = "Remove every second factor of a staff user, so that they set one up again at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = remove_devices(user)
        self.stdout.write(
            f"Removed {removed} second factor{'s' if removed != 1 else ''} of {username}. "
            "They will set up a new one when they next sign in."
        )
