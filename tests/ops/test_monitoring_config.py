"""The dashboard and alert rules are valid, and name only metrics /metrics serves; each alert has its runbook."""

import json
import re

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = settings.BASE_DIR / "deploy"
OPERATIONS = (settings.BASE_DIR / "docs" / "operations.md").read_text()
OWN_METRIC = re.compile(r"\bcareers_[a-z_]+")
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum", "_created")


def dashboard() -> dict[str, object]:
    return json.loads((DEPLOY / "grafana-dashboard.json").read_text())


def alert_rules() -> list[dict[str, object]]:
    return [rule for group in yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"] for rule in group["rules"]]


def served_names() -> set[str]:
    body = Client(REMOTE_ADDR="127.0.0.1").get(reverse("metrics")).content.decode()
    return {family.name + suffix for family in text_string_to_metric_families(body) for suffix in SUFFIXES}


def test_the_dashboard_is_a_grafana_dashboard_with_a_query_in_every_panel() -> None:
    board = dashboard()
    panels = [panel for panel in board["panels"] if panel["type"] != "row"]  # type: ignore[attr-defined]
    assert board["title"] and len(panels) >= 10
    ids = [panel["id"] for panel in board["panels"]]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids))
    assert all(panel["targets"] and all(target["expr"] for target in panel["targets"]) for panel in panels)


@pytest.mark.django_db
def test_the_dashboard_and_the_alerts_name_only_metrics_the_site_serves() -> None:
    named = set(OWN_METRIC.findall((DEPLOY / "grafana-dashboard.json").read_text()))
    named |= set(OWN_METRIC.findall((DEPLOY / "alerts.yml").read_text()))
    assert named and named - served_names() == set()


def test_every_alert_has_an_expression_a_summary_and_a_runbook_section() -> None:
    rules = alert_rules()
    names = {rule["alert"] for rule in rules}
    assert {"CareersHigh5xxRate", "CareersP99OverBudget", "CareersDatabaseDown", "CareersRedisDown"} <= names
    assert {"CareersWorkerQueueStuck", "CareersCertificateExpiresSoon"} <= names
    assert any("probe_ssl_earliest_cert_expiry" in str(rule["expr"]) for rule in rules)
    for rule in rules:
        assert rule["expr"] and rule["annotations"]["summary"]  # type: ignore[index]
        anchor = str(rule["annotations"]["runbook"]).split("#", 1)[1]  # type: ignore[index]
        assert re.search(rf"^### {anchor}$", OPERATIONS, re.MULTILINE | re.IGNORECASE), anchor
