"""Audit a lock file with pip-audit: fail on a known vulnerability; say plainly when the data cannot be reached.

pip-audit asks PyPI's JSON API (or OSV) about each pinned version. Where neither can be reached (a closed
network), every package comes back "not found": that is no clean bill of health, so this says the lock was
not audited, and exits 0 rather than failing every build for a network it cannot change.

Usage: python scripts/audit_lock.py requirements.lock
"""

import json
import subprocess
import sys
from typing import Any


def main(lock_file: str) -> int:
    command = [sys.executable, "-m", "pip_audit", "--require-hashes", "--disable-pip", "--format", "json", "-r"]
    done = subprocess.run([*command, lock_file], capture_output=True, text=True, timeout=600, check=False)
    try:
        dependencies = json.loads(done.stdout)["dependencies"]
    except (ValueError, KeyError):
        print(f"pip-audit could not run, so {lock_file} was NOT audited:\n{done.stderr.strip()[-2000:]}")
        return 0
    status, message = verdict(dependencies, lock_file)
    print(message)
    return status


def verdict(dependencies: list[dict[str, Any]], lock_file: str) -> tuple[int, str]:
    """The exit status and what to say, from pip-audit's JSON list of dependencies."""
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    if vulnerable:
        lines = [
            f"VULNERABLE: {dep['name']} {dep['version']}: {', '.join(v['id'] for v in dep['vulns'])}"
            for dep in vulnerable
        ]
        return 1, "\n".join(lines)
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    if not audited:
        return 0, (
            f"pip-audit could not reach its vulnerability data (PyPI's JSON API or OSV), so the {len(dependencies)} "
            f"packages in {lock_file} were NOT audited. Run `make audit` where that data can be reached."
        )
    skipped = len(dependencies) - len(audited)
    return 0, f"No known vulnerabilities in {len(audited)} audited packages of {lock_file}" + (
        f" ({skipped} skipped)." if skipped else "."
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
