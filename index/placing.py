"""Where a prepared document goes: new, unchanged, a duplicate of one stored, a replacement of
its file's previous content, or a version of another report (:mod:`index.versions`)."""

from __future__ import annotations

from index.ingest_report import FileOutcome, same_content
from index.prepare import Prepared
from index.sources import Item
from index.store import IndexStore
from index.store.edits import apply_edit
from index.versions import newer, version_note


class Placing:
    """Decides new / duplicate / replaced / version for each prepared document and queues
    its writes."""

    def __init__(self, writer, store, report, versions, edits: dict, replace_versions: bool):
        # edits: doc id → the librarian's corrections (index.store.edits), read once per run
        self.writer, self.store, self.report = writer, store, report
        self.versions, self.edits, self.replace_versions = versions, edits, replace_versions

    def place(self, item: Item, prep: Prepared) -> None:
        catalog, writer = self.store.catalog, self.writer
        doc = prep.doc = apply_edit(prep.doc, self.edits.get(prep.doc.doc_id, {}))
        previous = catalog.source(item.key)
        old_doc = previous[0] if previous and previous[0] != doc.doc_id else None

        def register() -> None:
            catalog.set_source(item.key, item.root, doc.doc_id, item.file_hash)
            if old_doc:
                drop_if_orphan(self.store, old_doc)

        if writer.in_flight(doc.doc_id) or catalog.doc_status(doc.doc_id) == "done":
            self._duplicate(item, doc.doc_id, register, known=bool(previous and not old_doc))
            return
        matches = [
            m
            for m in self.versions.find(doc.text, prep.signature, doc.metadata.get("year"))
            if m.doc_id != old_doc  # the file's own previous content is replaced, not grouped
        ]
        if matches and self.replace_versions and not self._newest(doc, matches):
            other = self._path(matches[0].doc_id)
            reason = f"已有较新版本 {other}（--replace-versions），未入库"
            self.report.add(FileOutcome(item.key, "skipped", reason=reason, other=other))
            return
        writer.add(prep, item.source_id, register)
        if matches and self.replace_versions:
            self._replace(item, doc.doc_id, matches)
            matches = []
        self.versions.record(doc.doc_id, prep.signature, matches)
        notes = ["已替换旧版本" if old_doc else ""]
        other = None
        if matches:
            other = self._path(matches[0].doc_id)
            notes.append(version_note(other, matches[0].overlap))
        self.report.add(
            FileOutcome(
                item.key,
                "indexed",
                reason="；".join(n for n in notes if n),
                doc_id=doc.doc_id,
                n_chunks=len(prep.chunks),
                warnings=doc.warnings,
                other=other,
            )
        )

    def _path(self, doc_id: str) -> str:
        paths = self.store.catalog.paths_of(doc_id)
        row = self.store.catalog.document(doc_id)
        return paths[0] if paths else (row.source_path if row else doc_id)

    def _duplicate(self, item: Item, doc_id: str, register, *, known: bool) -> None:
        catalog, writer = self.store.catalog, self.writer
        others = [p for p in catalog.paths_of(doc_id) if p != item.key]
        first = others[0] if others else catalog.document(doc_id).source_path
        if writer.in_flight(doc_id):
            writer.also_on_done(doc_id, register)
        else:
            register()
        if known:
            self.report.add(FileOutcome(item.key, "unchanged", doc_id=doc_id))
            return
        reason = same_content(first)
        group = catalog.versions_of(doc_id)
        if group:
            reason += f"；疑似版本：{self._path(group[0])}"
        self.report.add(
            FileOutcome(item.key, "duplicate", reason=reason, doc_id=doc_id, other=first)
        )

    def _newest(self, doc, matches) -> bool:
        mine = doc.metadata.get("date") or doc.metadata.get("year")
        for m in matches:
            row = self.store.catalog.document(m.doc_id)
            theirs = row.metadata.get("date") or row.metadata.get("year") if row else None
            if not newer(mine, theirs):
                return False
        return True

    def _replace(self, item: Item, doc_id: str, matches) -> None:
        """Keep only the new version: the older ones leave the index (and the report says so)."""
        self.writer.flush()  # an older version written earlier in this run is done first
        for m in matches:
            for path in self.store.catalog.paths_of(m.doc_id) or [self._path(m.doc_id)]:
                reason = f"已由新版本 {item.key} 替换（--replace-versions）"
                self.report.add(
                    FileOutcome(path, "removed", reason=reason, doc_id=m.doc_id, other=item.key)
                )
            self.store.delete_document(m.doc_id)


def drop_if_orphan(store: IndexStore, doc_id: str) -> None:
    """Delete a document no file points to any more."""
    if not store.catalog.paths_of(doc_id):
        store.delete_document(doc_id)
