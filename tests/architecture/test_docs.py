"""The README stays a newcomer's page, and every file the docs name exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_readme_is_short_and_its_map_fits_in_fifteen_rows() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 8 * 1024
    section = readme.split("## What is where", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert 0 < len(rows) <= 15


def test_every_project_file_the_docs_name_exists() -> None:
    named = re.compile(r"`((?:tests|scripts|bench|microcredentials|careers_site|docs|deploy)/[\w./-]+\.(?:py|md|sh))`")
    missing = [
        f"{doc.name}: {path}" for doc in DOCS for path in named.findall(doc.read_text()) if not (ROOT / path).exists()
    ]
    assert missing == []
