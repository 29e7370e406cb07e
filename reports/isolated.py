"""Render a PDF in a short-lived child process at low CPU priority.

WeasyPrint is CPU-bound and holds the GIL. Run in the web worker, a render would slow every
request that worker and that core serve. In a child process at a high nice value the operating
system gives the wizard's requests the CPU first, and the render's memory is returned when the
child exits, so workers stay small however many reports they serve.

    python -m reports.isolated < report.html > report.pdf
"""

from __future__ import annotations

import os
import subprocess
import sys

RENDER_NICENESS = 15
RENDER_TIMEOUT_SECONDS = 180


class RenderFailed(RuntimeError):
    pass


def _lower_priority() -> None:
    os.nice(RENDER_NICENESS)


def render_pdf_isolated(html: str) -> bytes:
    result = subprocess.run(  # noqa: S603 - fixed argument list, our own module
        [sys.executable, "-m", "reports.isolated"],
        input=html.encode("utf-8"),
        capture_output=True,
        timeout=RENDER_TIMEOUT_SECONDS,
        preexec_fn=_lower_priority,  # noqa: PLW1509 - only calls os.nice
        check=False,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"%PDF"):
        raise RenderFailed(result.stderr.decode("utf-8", "replace")[-2000:])
    return result.stdout


def main() -> None:
    from .render import render_pdf

    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(render_pdf(html))


if __name__ == "__main__":
    main()
