"""The dependency audit of CI (.ci/audit_dependencies.py): a package pip-audit could not look
up per version is audited from PyPI's project page only when it is locked at the latest
release, and a known vulnerability fails the audit. PyPI is replaced by canned pages here;
CI runs the real audit."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VULN = {
    "id": "PYSEC-2026-1",
    "aliases": ["CVE-2026-0001"],
    "fixed_in": ["2.0.1"],
    "withdrawn": None,
}
# The same as pip-audit's JSON report writes it.
PIP_AUDIT_VULN = {"id": "PYSEC-2026-1", "fix_versions": ["2.0.1"], "aliases": []}
PAGES = {
    "current": {"info": {"version": "1.0"}, "vulnerabilities": []},
    "vulnerable": {"info": {"version": "2.0"}, "vulnerabilities": [VULN]},
    "behind": {"info": {"version": "3.1"}, "vulnerabilities": []},
    "withdrawn": {"info": {"version": "1.0"}, "vulnerabilities": [VULN | {"withdrawn": "x"}]},
}


def skipped(name, version):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI: {name} ({version})"}


def test_a_skipped_package_is_audited_from_its_project_page_only_at_the_latest_release(
    audit, monkeypatch
):
    monkeypatch.setattr(audit, "project_page", PAGES.__getitem__)
    assert audit.from_project_page(skipped("current", "1.0"))["vulns"] == []
    assert audit.from_project_page(skipped("vulnerable", "2.0"))["vulns"] == [
        {"id": "PYSEC-2026-1", "fix_versions": ["2.0.1"], "aliases": ["CVE-2026-0001"]}
    ]
    assert audit.from_project_page(skipped("withdrawn", "1.0"))["vulns"] == []
    behind = audit.from_project_page(skipped("behind", "3.0"))
    assert "vulns" not in behind
    assert "locked 3.0, latest 3.1" in behind["not_audited"]


def fake_run(dependencies):
    def pip_audit(requirements, report):
        report.write_text(json.dumps({"dependencies": dependencies}))

    return pip_audit


@pytest.mark.parametrize(
    ("dependencies", "strict", "status"),
    [
        ([{"name": "a", "version": "1", "vulns": []}, skipped("current", "1.0")], False, 0),
        ([{"name": "a", "version": "1", "vulns": [PIP_AUDIT_VULN]}], False, 1),
        ([skipped("vulnerable", "2.0")], False, 1),
        ([skipped("behind", "3.0")], False, 0),
        ([skipped("behind", "3.0")], True, 1),
    ],
)
def test_the_exit_status(audit, monkeypatch, capsys, dependencies, strict, status):
    monkeypatch.setattr(audit, "project_page", PAGES.__getitem__)
    monkeypatch.setattr(audit, "export_lock", lambda target: target.write_text(""))
    monkeypatch.setattr(audit, "pip_audit", fake_run(dependencies))
    assert audit.main(["--strict"] if strict else []) == status
    out = capsys.readouterr().out
    assert f"{len(dependencies)} locked packages" in out
    assert ("VULNERABLE" in out) == (status == 1 and not strict)
