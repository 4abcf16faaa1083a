"""Bases for our ModelAdmins, where Django's admin answers 500 to input it should refuse.

- BoundedDateHierarchyAdmin: a date-hierarchy year Django cannot bound is refused like any bad filter.
- CheckedAutocompleteAdmin: an autocomplete field sent back with a value that is not a key is re-shown without it.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteMixin, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

# Years Django's date hierarchy can bound (Django 5.2): for year 9999 it works out year 10,000 as the end and
# fails; for year 1 the start, midnight in New Zealand, is before year 1 in UTC, and the query fails (on SQLite
# always, on PostgreSQL for some dates). A year outside these is refused as Django refuses any other bad filter.
DATE_HIERARCHY_YEARS = range(2, 9999)


def refuse_unbounded_date_hierarchy(request: HttpRequest, field: str | None) -> None:
    """Raise IncorrectLookupParameters (the admin then shows the list with "?e=1") for a year it cannot bound."""
    years = request.GET.getlist(f"{field}__year") if field else []
    try:
        year = int(years[-1]) if years else None
    except ValueError:
        return  # not a number: Django refuses it itself
    if year is not None and year not in DATE_HIERARCHY_YEARS:
        raise IncorrectLookupParameters(f"{field}__year={year} is outside the years the list can show.")


class BoundedDateHierarchyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose date hierarchy refuses the years Django cannot bound."""

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        refuse_unbounded_date_hierarchy(request, self.date_hierarchy)
        return super().get_changelist_instance(request)


class _SelectedValuesItCanLookUp(AutocompleteMixin):
    """Leave out of the re-shown selection any value the related key cannot hold ("abc" for a number).

    Django's autocomplete widgets look the submitted values up as they are, so a form sent back with such a
    value answered 500; the field itself already refuses it with "Select a valid choice".
    """

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [item for item in value if _fits(key, item)], attr)


def _fits(key: models.Field, value: str) -> bool:
    try:
        key.to_python(value)
    except ValidationError:
        return False
    return True


class CheckedAutocompleteSelect(_SelectedValuesItCanLookUp, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_SelectedValuesItCanLookUp, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteAdmin(admin.ModelAdmin):
    """A ModelAdmin whose autocomplete fields survive a value that is not a key (see _SelectedValuesItCanLookUp)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
