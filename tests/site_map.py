"""Every page a signed-in user can reach by following links, found by crawling like a person would.

The no-JavaScript test, the page-weight test and the browser tests all use this list, so a page
that a later feature adds is checked everywhere as soon as something links to it.
"""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urldefrag, urlsplit

_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
# Pages that do something other than show a page, or are not HTML pages.
_SKIP_PREFIXES = ("/static/", "/sign-out", "/healthz")
MAX_PAGES = 200


def same_site_links(html: str) -> list[str]:
    links = []
    for raw in _HREF.findall(html):
        url, _fragment = urldefrag(unescape(raw))
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/"):
            continue
        if url.startswith(_SKIP_PREFIXES):
            continue
        links.append(url)
    return links


def crawl(get, start: str = "/") -> dict[str, int]:
    """Breadth-first over same-site links; `get(url)` returns (status, html). Returns url -> status."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        status, html = get(url)
        seen[url] = status
        if status == 200:
            queue.extend(link for link in same_site_links(html) if link not in seen)
    return seen
