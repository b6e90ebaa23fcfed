"""The catalog's record of versions: each document's MinHash signature and version group.

A mixin of :class:`index.store.catalog.Catalog` (same connection, same file); its tables are
part of the catalog's schema, and ``Catalog.remove_document`` removes a document's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

VERSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (doc_id TEXT PRIMARY KEY, minhash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS versions (doc_id TEXT PRIMARY KEY, group_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_group ON versions(group_id);
"""


def group_members(groups: dict[str, str]) -> dict[str, list[str]]:
    """group id → its documents (sorted), from ``version_groups()``'s doc id → group id."""
    members: dict[str, list[str]] = {}
    for doc_id, group in sorted(groups.items()):
        members.setdefault(group, []).append(doc_id)
    return members


def others_in_group(
    doc_id: str, groups: dict[str, str], members: dict[str, list[str]]
) -> list[str]:
    """The other documents of ``doc_id``'s version group (none when it has no versions)."""
    return [d for d in members.get(groups.get(doc_id, ""), []) if d != doc_id]


class VersionsMixin:
    """Signatures and version groups (``self._db`` is the catalog's connection)."""

    def set_signature(self, doc_id: str, blob: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO signatures(doc_id, minhash) VALUES (?, ?)", (doc_id, blob)
        )

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """(doc_id, signature) of every finished document."""
        rows = self._db.execute(
            "SELECT s.doc_id, s.minhash FROM signatures s JOIN documents d USING (doc_id) "
            "WHERE d.status='done'"
        )
        yield from ((r[0], bytes(r[1])) for r in rows)

    def join_versions(self, doc_ids: Iterable[str]) -> str:
        """Put documents in one version group (merging the groups they are in); its id."""
        ids = list(dict.fromkeys(doc_ids))
        groups = self.version_groups()
        members = set(ids)
        for g in {groups[d] for d in ids if d in groups}:
            members |= {d for d, gg in groups.items() if gg == g}
        group_id = min(members)
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO versions(doc_id, group_id) VALUES (?, ?)",
                [(d, group_id) for d in sorted(members)],
            )
        return group_id

    def version_groups(self) -> dict[str, str]:
        """doc_id → group id, for documents that have another version (groups of two or more)."""
        rows = self._db.execute(
            "SELECT doc_id, group_id FROM versions WHERE group_id IN "
            "(SELECT group_id FROM versions GROUP BY group_id HAVING COUNT(*) > 1)"
        )
        return {r[0]: r[1] for r in rows}

    def versions_of(self, doc_id: str) -> list[str]:
        """The other documents in ``doc_id``'s version group."""
        groups = self.version_groups()
        return others_in_group(doc_id, groups, group_members(groups))
