"""requirements.lock pins every dependency of pyproject.toml inside its range, with hashes, and names no index."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.helpers import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^ \\]+)", re.MULTILINE)


def locked() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall((ROOT / "requirements.lock").read_text())}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
    return [Requirement(r) for r in wanted + project["build-system"]["requires"]]


def test_every_declared_dependency_is_pinned_inside_its_range():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run `make lock LOCK_ARGS=`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement.specifier}: run `make lock LOCK_ARGS=`")
        for extra in requirement.extras:  # psycopg[binary] brings psycopg-binary at the same version
            assert f"{name}-{extra}" in pins


def test_every_pin_is_exact_and_hashed_and_no_index_is_named():
    text = (ROOT / "requirements.lock").read_text()
    entries = [e for e in re.split(r"\n(?=[A-Za-z0-9])", text) if not e.startswith("#")]
    assert len(entries) == len(locked()) > 50
    for entry in entries:
        assert "==" in entry.splitlines()[0] and "--hash=sha256:" in entry, entry.splitlines()[0]
    assert not re.search(r"^\s*-(-index-url|-extra-index-url|-find-links|i |f )", text, re.MULTILINE)
    assert "://" not in text
