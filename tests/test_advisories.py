"""The fallback advisory check that CI runs when pip-audit cannot ask PyPI about exact versions."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT


@pytest.fixture
def advisories():
    spec = importlib.util.spec_from_file_location("pypi_advisories", ROOT / "scripts" / "pypi_advisories.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeDist:
    def __init__(self, name, version, editable=False):
        self.metadata = {"Name": name}
        self.version = version
        self._direct_url = json.dumps({"url": "file:///src", "dir_info": {"editable": True}}) if editable else None

    def read_text(self, name):
        return self._direct_url if name == "direct_url.json" else None


def _project(version, *advisories):
    return {"info": {"version": version}, "vulnerabilities": list(advisories)}


ADVISORY = {"id": "GHSA-xxxx", "fixed_in": ["2.0.1"], "link": "https://osv.dev/GHSA-xxxx", "withdrawn": None}


def run(advisories, monkeypatch, capsys, dists, projects):
    monkeypatch.setattr(advisories, "distributions", lambda: dists)
    monkeypatch.setattr(advisories, "_project", lambda name: projects.get(name))
    status = advisories.main()
    return status, capsys.readouterr().out


def test_a_vulnerable_package_at_its_latest_release_fails_the_audit(advisories, monkeypatch, capsys):
    status, out = run(advisories, monkeypatch, capsys,
                      [FakeDist("Flask", "3.1.3"), FakeDist("Risky", "2.0.0")],
                      {"flask": _project("3.1.3"), "risky": _project("2.0.0", ADVISORY)})
    assert status == 1
    assert "VULNERABLE risky 2.0.0: GHSA-xxxx (fixed in 2.0.1)" in out
    assert "2 of 2 installed packages audited" in out


def test_withdrawn_advisories_older_releases_and_silence_are_reported_not_failed(advisories, monkeypatch, capsys):
    withdrawn = dict(ADVISORY, withdrawn="2026-01-01T00:00:00")
    status, out = run(advisories, monkeypatch, capsys,
                      [FakeDist("Flask", "3.1.3"), FakeDist("Old", "1.0"), FakeDist("Gone", "1.0"),
                       FakeDist("tna", "0.1", editable=True)],
                      {"flask": _project("3.1.3", withdrawn), "old": _project("2.0"), "tna": _project("0.1", ADVISORY)})
    assert status == 0
    assert "1 of 3 installed packages audited" in out  # the editable project itself is not a dependency
    assert "Not audited, not at the latest release: old 1.0 (latest 2.0)" in out
    assert "Not audited, PyPI did not answer: gone" in out
    assert "No known vulnerabilities in the audited packages." in out
