"""``assistant index check``: do the catalog, Chroma and the BM25 index agree on the finished chunks?

1. The catalog opens and passes SQLite's integrity check (a damaged one ends the check: the
   other parts are judged against it).
2. Chroma opens, holds a vector for every finished chunk and none the catalog does not know
   (the sets of chunk ids), and answers a query.
3. The BM25 index loads, its files match the hashes recorded when it was built, and it covers
   exactly the finished chunks.

Every problem is one line naming the part and the command that repairs it. The check takes the
writer lock so that a running ingest is not mistaken for damage; it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import IndexDamagedError, StoreError
from core.settings import Settings
from index.store import keyword
from index.store.damage import BM25, CATALOG, CHROMA, damaged
from index.store.index_store import IndexStore, index_exists, write_lock
from index.store.vectors import CollectionMissingError


@dataclass(frozen=True)
class Problem:
    """One damaged part (``catalog``, ``chroma`` or ``bm25``) and its one-line message."""

    part: str
    message: str


@dataclass
class CheckReport:
    """What :func:`check_index` found; ``ok`` when the three parts agree."""

    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def parts(self) -> list[str]:
        return [p.part for p in self.problems]


def check_index(settings: Settings) -> CheckReport:
    """The full check of the configured index (sets of chunk ids, file hashes, SQLite pages).

    Raises StoreError when there is no index, or a Chroma server cannot be reached.
    """
    if not index_exists(settings):
        raise StoreError(f"no index in {settings.index_dir}; run `assistant ingest PATH` first")
    report = CheckReport()
    with write_lock(settings.index_dir):
        # 1. the catalog
        try:
            store = IndexStore.from_settings(settings)
        except IndexDamagedError as exc:
            report.problems.append(Problem(CATALOG, str(exc)))
            return report
        try:
            problem = store.catalog.integrity_problem()
            if problem is not None:
                exc = damaged(CATALOG, store.catalog.path, f"已损坏（{problem}）")
                report.problems.append(Problem(CATALOG, str(exc)))
                return report
            counts = store.catalog.counts()
            report.documents, report.chunks = counts["documents"], counts["chunks"]
            done = store.catalog.done_chunk_ids()
            # 2. Chroma, 3. BM25
            for part, find in ((CHROMA, chroma_problem), (BM25, keyword_problem)):
                try:
                    found = find(store, done)
                except IndexDamagedError as exc:
                    found = str(exc)
                if found is not None:
                    report.problems.append(Problem(part, found))
        finally:
            store.close()
    return report


def chroma_problem(store: IndexStore, done: set[str]) -> str | None:
    """Chroma against the catalog's finished chunks: the problem line, or ``None``."""
    try:
        vectors = store.vectors
    except CollectionMissingError:  # only raised when the catalog has no chunks either
        return None
    location = vectors.location
    try:
        have = vectors.ids()
        if have:  # the vectors are readable and the search index answers
            probe = vectors.vectors([next(iter(sorted(have)))])
            for vec in probe.values():
                vectors.query(vec, 1)
    except IndexDamagedError:
        raise
    except StoreError as exc:
        if vectors.remote:  # an unreachable server is not damage: say so as it is
            raise
        return str(damaged(CHROMA, location, f"无法读取（{exc}）"))
    missing = done - have
    extra = have - store.catalog.all_chunk_ids()
    if not missing and not extra:
        return None
    what = []
    if missing:
        what.append(f"缺少 {len(missing)} 个段落的向量")
    if extra:
        what.append(f"多出 {len(extra)} 个目录库没有的向量")
    return str(damaged(CHROMA, location, "，".join(what)))


def keyword_problem(store: IndexStore, done: set[str]) -> str | None:
    """The BM25 index against the catalog's finished chunks: the problem line, or ``None``."""
    root = store.keyword_root
    loaded = keyword.load(root)  # IndexDamagedError when its files are gone or unreadable
    if loaded is None:
        if done or store.catalog.get_meta("keyword_generation") is not None:
            return str(damaged(BM25, root, "缺失（文件夹被删除？）"))
        return None
    bad = keyword.verify(root)
    if bad is not None:
        return str(damaged(BM25, root, bad))
    covered = set(loaded.chunk_ids)
    if covered != done:
        return str(
            damaged(
                BM25,
                root,
                f"与目录库不一致（缺 {len(done - covered)} 段，多 {len(covered - done)} 段）",
            )
        )
    return None
