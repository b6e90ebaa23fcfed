"""Versions: a shortened, re-encoded or Traditional copy is found; two years of one series are not."""

from __future__ import annotations

import opencc

from index.versions import VERSION_CONTAINMENT, VersionFinder, containment, signature

BASE = (
    "一、基本情况\n{year}年，市住建局党委共有基层党组织{n}个，在职党员{m}名。全年开展主题党日活动"
    "二十四次，组织党员志愿服务一百余场，老旧小区改造惠及居民三千余户。\n二、主要做法\n"
    "坚持以党建引领业务，推行“党员先锋岗”制度，在重点项目一线设立临时党支部，"
    "推动党建与业务深度融合。\n三、存在问题\n部分支部组织生活形式单一，党员教育针对性不强。\n"
    "四、下一步打算\n持续深化模范机关创建，健全党建工作责任制，抓好基层党组织标准化规范化建设。"
)


def to_traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)


def finder(docs: dict[str, str]) -> VersionFinder:
    return VersionFinder((k, signature(v)) for k, v in docs.items())


def test_a_shortened_traditional_copy_is_a_version():
    original = BASE.format(year=2021, n=56, m=1200)
    docs = {"orig": original}
    short = to_traditional(original[: len(original) * 2 // 3])  # cut and re-encoded
    found = finder(docs).find(
        short, signature(short), 2021, text_of=docs.get, year_of=lambda d: 2021
    )
    assert [m.doc_id for m in found] == ["orig"] and found[0].overlap >= 0.95


def test_reports_of_other_years_are_a_series_not_versions():
    y2021 = BASE.format(year=2021, n=56, m=1200)
    y2022 = BASE.format(year=2022, n=58, m=1260)
    docs = {"y2021": y2021}
    assert containment(y2021, y2022) >= VERSION_CONTAINMENT  # look-alike enough to be proposed
    years = {"y2021": 2021}
    found = finder(docs).find(y2022, signature(y2022), 2022, text_of=docs.get, year_of=years.get)
    assert found == []


def test_unrelated_reports_are_not_versions():
    a = BASE.format(year=2021, n=56, m=1200)
    b = (
        "关于开展调查研究的实施方案\n为深入贯彻落实大兴调查研究之风的部署，结合我委实际，制定本方案。"
        * 3
    )
    docs = {"a": a}
    assert finder(docs).find(b, signature(b), None, text_of=docs.get, year_of=lambda d: None) == []
    assert containment(a, b) < 0.2


def test_signatures_are_stable_bytes():
    text = BASE.format(year=2021, n=56, m=1200)
    assert signature(text) == signature(text) and len(signature(text)) == 128 * 8


def _library(tmp_path, shared, *names):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(shared / name, folder)
    return folder


def test_ingest_groups_versions_and_replace_versions_keeps_the_newest(tmp_path, shared):
    from core.settings import Settings
    from index.embedders.hash import HashEmbedder
    from index.pipeline import ingest_paths
    from index.store import open_store

    settings = Settings(data_dir=tmp_path / "data", embedder="hash")
    folder = _library(tmp_path, shared, "corpus/seeds/000_424aa9fef5469438.txt")
    ingest_paths([folder], settings, embedder=HashEmbedder())
    _library(tmp_path, shared, "badinputs/gbk_report.txt")  # a shortened GBK copy of 000
    report = ingest_paths([folder], settings, embedder=HashEmbedder())
    (copy,) = [o for o in report.outcomes if o.key.endswith("gbk_report.txt")]
    assert copy.status == "indexed" and "疑似重复/版本" in copy.reason
    assert copy.other.endswith("000_424aa9fef5469438.txt")
    store = open_store(settings)
    try:
        docs = store.catalog.documents()
        assert len(docs) == 2 and all(store.catalog.versions_of(d.doc_id) for d in docs)
    finally:
        store.close()

    fresh = Settings(data_dir=tmp_path / "fresh", embedder="hash")
    ingest_paths([folder / "000_424aa9fef5469438.txt"], fresh, embedder=HashEmbedder())
    replaced = ingest_paths(
        [folder / "gbk_report.txt"], fresh, embedder=HashEmbedder(), replace_versions=True
    )
    statuses = {o.key.rsplit("/", 1)[-1]: o.status for o in replaced.outcomes}
    assert statuses == {"gbk_report.txt": "indexed", "000_424aa9fef5469438.txt": "removed"}
    store = open_store(fresh)
    try:
        (kept,) = store.catalog.documents()
        assert kept.source_path.endswith("gbk_report.txt")  # undated both: the newer ingest
        assert store.vectors.count() == kept.n_chunks  # the old version's vectors are gone
    finally:
        store.close()
