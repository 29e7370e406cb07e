"""Known vulnerabilities of the installed packages, from PyPI's project pages.

pip-audit asks PyPI about each exact version (/pypi/<name>/<version>/json). Where only the
project endpoint (/pypi/<name>/json) can be reached, as on machines behind a package-index
proxy, this asks that one instead. It lists the advisories of the project's latest release, so
it settles the question for every package installed at its latest version, and names the
others as not audited. Exit status 1 when an installed package has a known vulnerability.

Run with the virtualenv's Python: `.venv/bin/python scripts/pypi_advisories.py`.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import Distribution, distributions

PROJECT_URL = "https://pypi.org/pypi/{name}/json"


def _editable(dist: Distribution) -> bool:
    direct_url = dist.read_text("direct_url.json")
    return bool(direct_url) and json.loads(direct_url).get("dir_info", {}).get("editable", False)


def _project(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(PROJECT_URL.format(name=name), timeout=30) as response:  # noqa: S310 - fixed https URL
            return json.load(response)
    except (OSError, ValueError):
        return None


def main() -> int:
    installed = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name and not _editable(dist):
            installed[name.lower()] = dist.version
    with ThreadPoolExecutor(8) as pool:
        projects = dict(zip(installed, pool.map(_project, installed), strict=True))

    found, unaudited, unreachable = [], [], []
    for name, version in sorted(installed.items()):
        project = projects[name]
        if project is None:
            unreachable.append(name)
            continue
        latest = project["info"]["version"]
        if version != latest:
            unaudited.append(f"{name} {version} (latest {latest})")
            continue
        for advisory in project.get("vulnerabilities") or []:
            if not advisory.get("withdrawn"):
                fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix yet"
                found.append(f"{name} {version}: {advisory.get('id')} (fixed in {fixed}) {advisory.get('link', '')}")

    audited = len(installed) - len(unaudited) - len(unreachable)
    print(f"{audited} of {len(installed)} installed packages audited against PyPI's advisories.")
    for line in found:
        print("VULNERABLE " + line)
    if unaudited:
        print("Not audited, not at the latest release: " + "; ".join(unaudited))
    if unreachable:
        print("Not audited, PyPI did not answer: " + ", ".join(unreachable))
    if not found:
        print("No known vulnerabilities in the audited packages.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
