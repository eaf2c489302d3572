"""The translation cache in the database, shared by every web worker and queue consumer."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.language.pipeline import CacheKey
from portal.models import CachedSentence


class DatabaseCache:
    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        # A document's keys share languages and model version: one query per such group.
        groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for key in keys:
            groups[(key.source_lang, key.target_lang, key.model_version)].add(key.source_sha256)
        found = {}
        for (source, target, version), digests in groups.items():
            rows = db.session.execute(select(CachedSentence.source_sha256, CachedSentence.translated).where(
                CachedSentence.source_lang == source, CachedSentence.target_lang == target,
                CachedSentence.model_version == version, CachedSentence.source_sha256.in_(digests)))
            for digest, translated in rows:
                found[CacheKey(digest, source, target, version)] = translated
        return found

    def put_many(self, items: Mapping[CacheKey, str]) -> None:
        rows = [CachedSentence(source_sha256=k.source_sha256, source_lang=k.source_lang, target_lang=k.target_lang,
                               model_version=k.model_version, translated=text) for k, text in items.items()]
        try:
            with db.session.begin_nested():
                db.session.add_all(rows)
        except IntegrityError:
            # Another worker cached some of these sentences first; theirs are as good as ours.
            pass
