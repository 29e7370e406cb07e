"""`make audit` says what pip-audit checked, and never claims anything about a package it could not check."""

from __future__ import annotations

import importlib.util

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_summary", ROOT / "scripts" / "audit_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dep(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def unreachable(name):
    return {"name": name, "skip_reason": f"Dependency not found on the index and could not be audited: {name} (1.0)"}


EDITABLE = {"name": "tna", "skip_reason": "distribution marked as editable"}
ADVISORY = {"id": "GHSA-xxxx", "fix_versions": ["2.0.1"], "aliases": [], "description": "..."}


def test_every_package_checked_and_clean(audit):
    status, lines = audit.summarize({"dependencies": [dep("flask"), dep("jinja2"), EDITABLE]})
    assert status == 0
    assert lines[0] == "pip-audit checked 2 of 2 installed packages against its advisory service."
    assert lines[-1] == "No known vulnerabilities in the 2 packages checked."


def test_a_vulnerable_package_fails(audit):
    status, lines = audit.summarize({"dependencies": [dep("flask"), dep("risky", "2.0.0", [ADVISORY]), unreachable("gone")]})
    assert status == audit.VULNERABLE
    assert "VULNERABLE risky 2.0.0: GHSA-xxxx (fixed in 2.0.1)" in lines
    assert "Not checked: gone" in lines


def test_an_unreachable_service_is_never_reported_as_no_vulnerabilities(audit):
    status, lines = audit.summarize({"dependencies": [unreachable("flask"), unreachable("jinja2"), EDITABLE]})
    assert status == audit.NOT_CHECKED
    text = "\n".join(lines)
    assert "checked 0 of 2" in text and "NOT CHECKED: 2 packages" in text and "Not checked: flask, jinja2" in text
    assert "No known vulnerabilities" not in text


def test_a_partly_answered_audit_names_what_was_not_checked(audit):
    status, lines = audit.summarize({"dependencies": [dep("flask"), unreachable("jinja2")]})
    assert status == audit.NOT_CHECKED
    assert lines[-1] == "No known vulnerabilities among the 1 package checked."
    assert "Not checked: jinja2" in lines


def test_no_report_at_all_is_not_a_pass(audit, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert audit.main() == audit.NOT_CHECKED
    assert "nothing was checked" in capsys.readouterr().out
