"""What pip-audit found, said plainly: which packages were checked, which were not, which are vulnerable.

Reads pip-audit's JSON report (`pip-audit -f json`) on standard input. pip-audit prints "No known
vulnerabilities found" even when its advisory service answered for none of the packages; this
never does: a package it could not check is named as not checked, and no claim is made about it.

Exit status: 0 when every package was checked and none is vulnerable; 1 when a package has a known
vulnerability; 3 when some packages could not be checked (and none of those checked is vulnerable).
"""

from __future__ import annotations

import json
import sys
from typing import Any

VULNERABLE, NOT_CHECKED = 1, 3


def _packages(n: int) -> str:
    return f"{n} package" if n == 1 else f"{n} packages"


def summarize(report: dict[str, Any]) -> tuple[int, list[str]]:
    """The exit status and the lines to print for one pip-audit JSON report."""
    # The project itself (installed editable) is not a dependency: pip-audit skips it by request.
    dependencies = [d for d in report.get("dependencies") or [] if "editable" not in (d.get("skip_reason") or "")]
    unchecked = [d for d in dependencies if d.get("skip_reason")]
    checked = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = [f"pip-audit checked {len(checked)} of {len(dependencies)} installed packages against its advisory service."]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            lines.append(f"VULNERABLE {dep['name']} {dep.get('version', '')}: {vuln.get('id')} (fixed in {fixed})")
    if unchecked:
        reason = unchecked[0]["skip_reason"]
        lines.append(
            f"NOT CHECKED: {_packages(len(unchecked))}. The advisory service did not answer for them "
            f"(first reason given: {reason}). Nothing is known about their vulnerabilities: run "
            "`make audit` where the service can be reached."
        )
        lines.append("Not checked: " + ", ".join(d["name"] for d in unchecked))
    if vulnerable:
        return VULNERABLE, lines
    if unchecked:
        if checked:
            lines.append(f"No known vulnerabilities among the {_packages(len(checked))} checked.")
        return NOT_CHECKED, lines
    lines.append(f"No known vulnerabilities in the {_packages(len(checked))} checked.")
    return 0, lines


def main() -> int:
    try:
        report = json.load(sys.stdin)
    except ValueError:
        print("pip-audit gave no report (see its messages above): nothing was checked.")
        return NOT_CHECKED
    status, lines = summarize(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
