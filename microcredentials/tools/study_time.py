"""The study-time calculator: credits and hours a week give total learning hours and a number of weeks.

The rule comes from NZQA: one credit represents about 10 notional learning hours (teaching, self-directed
study, practice and assessment). static/js/study-time.js repeats this sum in the browser; keep them alike.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms

from microcredentials.lib.text import CONTROL_CHARACTERS

HOURS_PER_CREDIT = 10
CREDITS_RANGE = (1, 360)
HOURS_RANGE = (1, 60)


def _whole_number_field(
    label: str, help_text: str, limits: tuple[int, int], missing: str, example: int
) -> forms.IntegerField:
    low, high = limits
    out_of_range = f"{label} must be between {low} and {high}."
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        # A text box rather than type="number", so the browser never blocks our own clearer messages.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": missing,
            "invalid": f"{label} must be a whole number, like {example}.",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class StudyTimeForm(forms.Form):
    credits = _whole_number_field(
        "Credits",
        "The number of credits the course is worth, from 1 to 360. The provider will tell you this.",
        CREDITS_RANGE,
        "Enter the number of credits the course is worth.",
        example=15,
    )
    hours = _whole_number_field(
        "Hours a week you can study",
        "Include time in class, online and on your own, from 1 to 60 hours.",
        HOURS_RANGE,
        "Enter how many hours a week you can study.",
        example=6,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Range attributes for the script that updates the estimate as you type.
        for name, (low, high) in (("credits", CREDITS_RANGE), ("hours", HOURS_RANGE)):
            self.fields[name].widget.attrs.update({"data-min": str(low), "data-max": str(high)})


def form_from(query: Mapping[str, str]) -> StudyTimeForm:
    """The form, bound to the query string once either field is in it.

    Control characters (a NUL, say) are dropped first, as search drops them, so none is echoed into the page.
    """
    sent = {name: CONTROL_CHARACTERS.sub("", query[name]) for name in StudyTimeForm.base_fields if name in query}
    return StudyTimeForm(sent) if sent else StudyTimeForm()


@dataclass(frozen=True)
class StudyTime:
    credits: int
    hours_per_week: int

    @property
    def total_hours(self) -> int:
        return self.credits * HOURS_PER_CREDIT

    @property
    def weeks(self) -> int:
        # A part-week still has to be studied, so round up.
        return math.ceil(self.total_hours / self.hours_per_week)

    @property
    def working(self) -> str:
        """The sum in words, e.g. "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks"."""
        return (
            f"{_count(self.credits, 'credit')} × about {HOURS_PER_CREDIT} hours = about {self.total_hours:,} hours; "
            f"at {_count(self.hours_per_week, 'hour')} a week, about {_count(self.weeks, 'week')}"
        )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def calculate(form: StudyTimeForm) -> StudyTime | None:
    """The estimate for a valid form, or None when there is nothing (or nothing valid) to work from."""
    if not form.is_bound or not form.is_valid():
        return None
    return StudyTime(credits=form.cleaned_data["credits"], hours_per_week=form.cleaned_data["hours"])
