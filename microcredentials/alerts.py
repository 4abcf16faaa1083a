"""Placeholder until the alerts branch lands."""

from django.http import HttpRequest


def site_alert_html(request: HttpRequest) -> str:
    return ""
