"""Builds are reproducible: the lock files pin, with hashes, a version of every dependency pyproject.toml asks for."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pinned(lock_file: str) -> dict[str, str]:
    """Package name to version, from `name==version \\` lines; each must carry at least one hash."""
    text = (ROOT / lock_file).read_text()
    entries = re.findall(
        r"^([A-Za-z0-9_.-]+)==([^\s\\]+)[ \\]*\n((?:\s+--hash=sha256:[0-9a-f]{64}[ \\]*\n)+)", text, re.M
    )
    assert entries, f"{lock_file} pins nothing"
    return {canonicalize_name(name): version for name, version, _hashes in entries}


@pytest.mark.parametrize(
    ("lock_file", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        ("requirements-dev.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_locked_at_a_version_pyproject_allows(lock_file: str, requirements: list[str]) -> None:
    versions = pinned(lock_file)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{requirement.name} is not in {lock_file}: run make lock"
        assert requirement.specifier.contains(versions[name], prereleases=True), (
            f"{lock_file} has {requirement.name}=={versions[name]}, outside {requirement.specifier}: run make lock"
        )


def test_the_image_and_make_install_use_the_lock_files() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install --upgrade pip setuptools" in dockerfile
    assert "--require-hashes --no-deps -r requirements-dev.lock" in makefile


def test_the_audit_fails_on_a_known_vulnerability_and_says_when_it_audited_nothing() -> None:
    from scripts.audit_lock import verdict

    found = [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]}]
    assert verdict(found, "requirements.lock") == (1, "VULNERABLE: django 5.2.0: PYSEC-2025-1")
    unreachable = [{"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}]
    status, message = verdict(unreachable, "requirements.lock")
    assert status == 0 and "were NOT audited" in message
    clean = [{"name": "django", "version": "5.2.19", "vulns": []}]
    assert verdict(clean, "requirements.lock") == (
        0,
        "No known vulnerabilities in 1 audited packages of requirements.lock.",
    )
