"""The only URL fetcher WeasyPrint gets: it serves the project's bundled assets, nothing else.

Reports contain text typed by users. Whatever a URL in that text points at - a local file, an
intranet host, a redirect, a data: URL, an attachment - is refused, so a report can neither leak
the server's files nor make it reach the network.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "asset:"
STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".ttf": "font/ttf"}


class RefusedURL(ValueError):
    pass


class BundledAssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    """Serves `asset:NAME` from reports/static; refuses every other URL and records it."""

    def __init__(self, static_dir: Path = STATIC_DIR):
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.static_dir = static_dir.resolve()
        self.assets = {p.name: p for p in self.static_dir.iterdir() if p.suffix in MEDIA_TYPES}
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(ASSET_SCHEME):
            name = url[len(ASSET_SCHEME):]
            path = self.assets.get(name)
            if path is not None:
                self.served.append(name)
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": MEDIA_TYPES[path.suffix]}
                )
        self.refused.append(url)
        raise RefusedURL(f"refused to fetch {url[:200]!r}: reports only use bundled assets")
