"""Audit the locked Python dependencies for known vulnerabilities (PyPI's advisory data).

    .venv/bin/python .ci/audit_dependencies.py [--strict]

1. ``uv export --frozen`` writes every locked package (all groups) with its hashes.
2. ``pip-audit`` checks them against PyPI's vulnerability service, without pip and without
   resolving anything (``--disable-pip --require-hashes``): what is audited is the lock.
3. pip-audit asks PyPI for each exact version (``/pypi/<name>/<version>/json``). Where that
   answer is not to be had (some networks, this project's machines among them, reach PyPI's
   project pages only), pip-audit skips the package and would still say "no known
   vulnerabilities". So each skipped package is looked up on its project page
   (``/pypi/<name>/json``), whose vulnerabilities are those of the latest release: exact for a
   package locked at the latest release. A package locked below it cannot be audited that way
   and is listed as not audited.

Exit status: 1 when any locked package has a known vulnerability, or (``--strict``) when any
could not be audited; 2 when the audit itself could not run; 0 otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"
TIMEOUT = 30


def export_lock(target: Path) -> None:
    subprocess.run(
        [
            str(VENV_BIN / "uv"),
            "export",
            "--frozen",
            "--format",
            "requirements.txt",
            "--all-groups",
            "--no-emit-project",
            "--quiet",
            "--output-file",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )


def pip_audit(requirements: Path, report: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(VENV_BIN / "pip-audit"),
            "--requirement",
            str(requirements),
            "--disable-pip",
            "--require-hashes",
            "--vulnerability-service",
            "pypi",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,  # its "no known vulnerabilities" counts the skipped too
        text=True,
    )


def project_page(name: str) -> dict:
    request = urllib.request.Request(
        PROJECT_PAGE.format(name=name), headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.load(response)


def from_project_page(dependency: dict) -> dict:
    """The vulnerabilities of a skipped package from its project page, or why there are none
    to be had. ``skip_reason`` names the version: "...: amqp (5.4.2)"."""
    name = dependency["name"]
    version = dependency.get("version") or dependency["skip_reason"].rsplit("(", 1)[-1][:-1]
    try:
        page = project_page(name)
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        return {"name": name, "version": version, "not_audited": f"PyPI did not answer: {error}"}
    latest = page["info"]["version"]
    if latest != version:
        return {
            "name": name,
            "version": version,
            "not_audited": f"locked {version}, latest {latest}: PyPI's project page has "
            "the advisories of the latest release only",
        }
    vulns = [
        {"id": vuln["id"], "fix_versions": vuln.get("fixed_in", []), "aliases": vuln["aliases"]}
        for vuln in page.get("vulnerabilities", [])
        if not vuln.get("withdrawn")
    ]
    return {"name": name, "version": version, "vulns": vulns}


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    with tempfile.TemporaryDirectory() as folder:
        requirements, report = Path(folder, "requirements.txt"), Path(folder, "audit.json")
        export_lock(requirements)
        result = pip_audit(requirements, report)
        if not report.exists():
            print(f"pip-audit did not run (exit {result.returncode}):", file=sys.stderr)
            print(result.stdout + result.stderr, file=sys.stderr)
            return 2
        dependencies = json.loads(report.read_text())["dependencies"]

    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    with ThreadPoolExecutor(max_workers=8) as pool:
        looked_up = list(pool.map(from_project_page, skipped))
    audited += [dep for dep in looked_up if "vulns" in dep]
    not_audited = [dep for dep in looked_up if "not_audited" in dep]

    vulnerable = [dep for dep in audited if dep["vulns"]]
    print(
        f"{len(dependencies)} locked packages: {len(audited)} audited "
        f"({len(dependencies) - len(skipped)} by pip-audit per version, "
        f"{len(audited) - len(dependencies) + len(skipped)} from PyPI's project pages), "
        f"{len(not_audited)} not audited, {len(vulnerable)} with known vulnerabilities."
    )
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            print(f"  VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    for dep in not_audited:
        print(f"  not audited: {dep['name']}: {dep['not_audited']}")
    if vulnerable:
        return 1
    return 1 if strict and not_audited else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
