"""/healthz (liveness, no database) and /readyz (readiness, database reachable)."""

import json
import socket
from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, DjangoDbBlocker, Settings


@pytest.fixture
def unreachable_database(django_db_blocker: DjangoDbBlocker) -> Iterator[int]:
    """Point the default connection at a PostgreSQL server that is not there.

    The port is bound but never listened on, so every connection is refused at
    once and no other process can start listening on it during the test.
    """
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        port = closed_port.getsockname()[1]
        settings_dict = {
            **connections.settings[DEFAULT_DB_ALIAS],
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "NAME": "careers",
            "USER": "postgres",
            "PASSWORD": "",
            "OPTIONS": {"connect_timeout": 5},
        }
        unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
        original = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = unreachable
        try:
            with django_db_blocker.unblock():
                yield port
        finally:
            connections[DEFAULT_DB_ALIAS] = original
            unreachable.close()


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_ok_while_the_database_is_down(client: Client, unreachable_database: int) -> None:
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_answers_503_when_the_database_is_unreachable(client: Client, unreachable_database: int) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "unavailable"}
    assert response["Retry-After"] == "10"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_from_inside_the_container_get_through_host_checks_and_the_https_redirect(
    client: Client, settings: Settings, path: str
) -> None:
    settings.ALLOWED_HOSTS = ["careers.example.govt.nz"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path, HTTP_HOST="127.0.0.1:8000").status_code == 200


@pytest.mark.django_db
def test_every_other_path_still_gets_host_checks_and_the_https_redirect(client: Client, settings: Settings) -> None:
    settings.ALLOWED_HOSTS = ["careers.example.govt.nz"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    response = client.get("/", HTTP_HOST="careers.example.govt.nz")
    assert response.status_code == 301
    assert response["Location"] == "https://careers.example.govt.nz/"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_accept_only_get_and_head(client: Client, path: str) -> None:
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_url_names_still_reverse() -> None:
    assert (reverse("healthz"), reverse("readyz")) == ("/healthz", "/readyz")
