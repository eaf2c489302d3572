"""Rendered page fragments, kept in each web process and keyed by everything they show.

A fragment's key holds the data it is rendered from (read from the database on every request,
as before), the language and the time zone. So the cache never has to be told that something
changed: changed data is a different key, and a stale fragment can never be served. What the
cache saves is the rendering (Babel formatting, Jinja macros), which is most of a rich page's
cost.

The cache is per process and bounded in bytes; nothing leaves the process (no health data in a
shared cache). Its size is FRAGMENT_CACHE_BYTES; 0 turns it off.
"""
from __future__ import annotations

import threading
from typing import Callable, Hashable

from cachetools import LRUCache
from flask import current_app
from markupsafe import Markup

_EXTENSION = "fragment_cache"


class FragmentCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._cache: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=len)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        if self.max_bytes <= 0:
            return Markup(render())
        with self._lock:
            html = self._cache.get(key)
        if html is not None:
            self.hits += 1
            return Markup(html)
        self.misses += 1
        html = str(render())
        if len(html) <= self.max_bytes:
            with self._lock:
                self._cache[key] = html
        return Markup(html)

    @property
    def size_bytes(self) -> int:
        return int(self._cache.currsize)


def init_fragment_cache(app) -> None:
    app.extensions[_EXTENSION] = FragmentCache(app.config["FRAGMENT_CACHE_BYTES"])


def fragment_cache() -> FragmentCache:
    return current_app.extensions[_EXTENSION]
