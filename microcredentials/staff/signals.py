"""A user put in a staff group gets Staff status, so they can sign in to the admin.

Without it Django refuses them with "enter the correct username and password for a staff account", which says
nothing about the missing tick. Only adding someone to a group does this: a superuser who later clears Staff
status (to stop someone signing in) is not overruled while the groups stay as they are.
"""

from typing import Any

from django.contrib.auth.models import Group, User
from django.db.models.signals import m2m_changed

from microcredentials.staff import STAFF_GROUPS


def _give_staff_status(
    sender: Any, instance: User | Group, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action != "post_add" or not pk_set:
        return
    if isinstance(instance, Group):  # group.user_set.add(user)
        if instance.name in STAFF_GROUPS:
            User.objects.filter(pk__in=pk_set, is_staff=False).update(is_staff=True)
        return
    if not instance.is_staff and Group.objects.filter(pk__in=pk_set, name__in=STAFF_GROUPS).exists():
        User.objects.filter(pk=instance.pk).update(is_staff=True)
        instance.is_staff = True


def connect() -> None:
    m2m_changed.connect(_give_staff_status, sender=User.groups.through, dispatch_uid="staff-groups-give-staff-status")
