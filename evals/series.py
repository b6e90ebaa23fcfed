"""A synthetic archive of look-alike annual reports, and its question and claim sets.

One unit's 党建工作总结 for each year 2015—2024, each written early in the next year and
dated in its 落款, in near-identical sentences that say 「全年」「过去一年」 and rarely the
year: the failure mode of a real archive (a question about 2022 must be answered from the
report written in January 2023; the 2023 report names 2022 only as a comparison base).
Half the titles name their year, half do not.

``python -m evals.series OUT`` writes the corpus (one .txt a year) to OUT. The sets
``evals/sets/series_qa.jsonl`` and ``series_review.jsonl`` were written by
``python -m evals.series OUT --sets evals/sets`` and are checked against a freshly generated
corpus by ``tests/evals/test_series.py``. Deterministic: a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

UNIT = "江川市住房和城乡建设局机关党委"
YEARS = tuple(range(2015, 2025))
SEED = 20261201
PLAN_13 = range(2016, 2021)  # 「十三五」


@dataclass(frozen=True)
class YearFacts:
    """The numbers one year's report states."""

    year: int
    recruited: int  # 新发展党员
    members: int  # 党员总数
    renovated: int  # 老旧小区改造
    households: float  # 惠及居民（万户）
    teams: int  # 党员突击队
    posts: int  # 党员先锋岗
    activities: int  # 主题党日
    branches: int  # 基层党支部


def year_facts(seed: int = SEED) -> dict[int, YearFacts]:
    """Distinct numbers per year for every metric (so each fact names one year's report)."""
    rng = random.Random(seed)

    def distinct(lo: int, hi: int) -> list[int]:
        return rng.sample(range(lo, hi), len(YEARS))

    cols = {
        "recruited": distinct(8, 40),
        "members": sorted(distinct(420, 520)),
        "renovated": distinct(12, 70),
        "households": [round(x / 10, 1) for x in distinct(5, 30)],
        "teams": distinct(3, 20),
        "posts": distinct(15, 60),
        "activities": distinct(20, 90),
        "branches": sorted(distinct(30, 60)),
    }
    return {y: YearFacts(y, **{k: v[i] for k, v in cols.items()}) for i, y in enumerate(YEARS)}


def doc_id(year: int) -> str:
    """The eval doc id (file stem) of the report on ``year``."""
    return f"jc_dangjian_{year}"


def report(f: YearFacts, prev: YearFacts | None) -> str:
    """The report on year ``f.year``, written in January of the next year."""
    y = f.year
    title = f"{UNIT}{y}年度党建工作总结" if y % 2 == 0 else f"{UNIT}党建工作总结"
    change = ""
    if prev is not None:
        more = f.recruited - prev.recruited
        word = "增加" if more >= 0 else "减少"
        change = f"新发展党员人数比{prev.year}年{word}{abs(more)}名。"
    plan = ""
    if y == PLAN_13[-1]:
        total = sum(year_facts()[x].renovated for x in PLAN_13)
        plan = f"“十三五”期间，累计完成老旧小区改造{total}个。"
    return f"""{title}

过去一年，局机关党委坚持以习近平新时代中国特色社会主义思想为指导，围绕中心、建设队伍、服务群众，推动党建工作和业务工作深度融合，各项工作取得新进展。现将全年工作总结如下：

一、主要工作及成效
（一）加强党员队伍建设
全年新发展党员{f.recruited}名，截至年底，局机关党委下设基层党支部{f.branches}个，党员总数达到{f.members}名。{change}坚持“三会一课”制度，全年开展主题党日活动{f.activities}次。
（二）党建引领城市更新
围绕城市更新和老旧小区改造，组建党员突击队{f.teams}支，设立党员先锋岗{f.posts}个，全年完成老旧小区改造{f.renovated}个，惠及居民{f.households}万户。{plan}

二、存在的问题
一是个别支部党建与业务融合还不够紧密；二是党员教育管理的方式方法还需创新；三是基层党建工作的考核评价机制还不够完善。

三、下一步打算
今年，局机关党委将继续深化党建引领城市更新，持续推进老旧小区改造，不断提升基层党组织的组织力。

{UNIT}
{y + 1}年1月{10 + y % 15}日
"""


def write_corpus(out: Path) -> list[Path]:
    """One .txt a year under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    facts = year_facts()
    paths = []
    for y in YEARS:
        p = out / f"{doc_id(y)}.txt"
        p.write_text(report(facts[y], facts.get(y - 1)), encoding="utf-8")
        paths.append(p)
    return paths


def _qa(
    i: int, question: str, years: list[int], facts: list[str], answer: str, kind: str, period: str
) -> dict:
    """One QA row; ``period``: what the question names ("" for none), as in the cpc sets."""
    return {
        "id": f"yq{i:02d}",
        "question": question,
        "relevant_doc_ids": [doc_id(y) for y in years],
        "facts": facts,
        "answer": answer,
        "type": kind,
        "script": "simplified",
        "split": "heldout" if i % 3 == 0 else "dev",
        "period": period,
    }


def qa_rows() -> list[dict]:
    """Questions about one year each (several phrasings), no-time ones, a plan, trends."""
    f = year_facts()
    asks = [
        ("{y}年新发展党员多少名？", lambda x: [f"新发展党员{x.recruited}名"]),
        ("{y}年全年完成了多少个老旧小区改造？", lambda x: [f"老旧小区改造{x.renovated}个"]),
        (
            "{y}年组建了几支党员突击队，设立了多少个党员先锋岗？",
            lambda x: [f"党员突击队{x.teams}支", f"党员先锋岗{x.posts}个"],
        ),
        ("{y}年局机关开展了多少次主题党日活动？", lambda x: [f"主题党日活动{x.activities}次"]),
        ("截至{y}年底，局机关党委有多少名党员？", lambda x: [f"党员总数达到{x.members}名"]),
        ("{y}年老旧小区改造惠及多少户居民？", lambda x: [f"惠及居民{x.households}万户"]),
    ]
    rows, i = [], 1
    for n, y in enumerate(YEARS):
        for template, fact in (asks[n % len(asks)], asks[(n + 3) % len(asks)]):
            x = f[y]
            q = template.format(y=y)
            rows.append(_qa(i, q, [y], fact(x), "；".join(fact(x)), "single", str(y)))
            i += 1
    newest = f[YEARS[-1]]
    for q, fact in (
        ("局机关党委现在有多少名党员？", [f"党员总数达到{newest.members}名"]),
        ("局机关党委下设多少个基层党支部？", [f"基层党支部{newest.branches}个"]),
        ("最近一年新发展了多少名党员？", [f"新发展党员{newest.recruited}名"]),
    ):
        rows.append(_qa(i, q, [YEARS[-1]], fact, fact[0], "single", ""))
        i += 1
    total = sum(f[x].renovated for x in PLAN_13)
    rows.append(
        _qa(
            i,
            "“十三五”期间累计完成了多少个老旧小区改造？",
            [PLAN_13[-1]],
            [f"老旧小区改造{total}个"],
            f"累计{total}个",
            "single",
            f"{PLAN_13[0]}—{PLAN_13[-1]}",
        )
    )
    i += 1
    for q, years, fact in (
        (
            "2018年到2021年，历年新发展党员人数分别是多少？",
            [2018, 2019, 2020, 2021],
            lambda x: f"新发展党员{x.recruited}名",
        ),
        (
            "近几年老旧小区改造数量逐年变化情况如何？2020年至2023年各是多少？",
            [2020, 2021, 2022, 2023],
            lambda x: f"老旧小区改造{x.renovated}个",
        ),
    ):
        span = f"{years[0]}—{years[-1]}"
        rows.append(_qa(i, q, years, [fact(f[y]) for y in years], "", "multi", span))
        i += 1
    rows.append(_qa(i, "2030年新发展党员多少名？", [], [], "", "unanswerable", "2030"))
    return rows


def review_rows() -> list[dict]:
    """Claims: right year (supported), right number for the wrong year (contradicted, kind
    period), a changed number (contradicted), invented (not_supported)."""
    f = year_facts()
    rows, i = [], 1

    def add(claim: str, support: str, year: int, source: str, kind: str, claimed: int) -> None:
        """``year``: the report the source sentence is in; ``claimed``: the year the claim
        names. A wrong-year claim lists both reports, as the cpc review set does."""
        nonlocal i
        docs = [doc_id(year)] if claimed == year else [doc_id(year), doc_id(claimed)]
        rows.append({
            "id": f"yr{i:02d}", "claim": claim, "support": support, "source_doc_ids": docs,
            "source": source, "kind": kind, "period": str(claimed),
        })  # fmt: skip
        i += 1

    for y in (2016, 2018, 2019, 2021, 2022, 2024):
        x = f[y]
        add(
            f"{y}年全年新发展党员{x.recruited}名。",
            "supported",
            y,
            f"全年新发展党员{x.recruited}名",
            "period",
            y,
        )
        add(f"{y}年，全年完成老旧小区改造{x.renovated}个，惠及居民{x.households}万户。", "supported", y,
            f"全年完成老旧小区改造{x.renovated}个，惠及居民{x.households}万户", "period", y)  # fmt: skip
    for y in (2017, 2019, 2020, 2022, 2023, 2024):
        wrong = y - 1
        x = f[y]
        add(
            f"{wrong}年全年新发展党员{x.recruited}名。",
            "contradicted",
            y,
            f"全年新发展党员{x.recruited}名",
            "period",
            wrong,
        )
        add(f"{wrong}年组建党员突击队{x.teams}支，设立党员先锋岗{x.posts}个。", "contradicted", y,
            f"组建党员突击队{x.teams}支，设立党员先锋岗{x.posts}个", "period", wrong)  # fmt: skip
    counts = {v.activities for v in f.values()}
    for y in (2015, 2018, 2021, 2023):
        x = f[y]
        changed = next(n for n in range(x.activities + 7, x.activities + 100) if n not in counts)
        add(
            f"{y}年全年开展主题党日活动{changed}次。",
            "contradicted",
            y,
            f"全年开展主题党日活动{x.activities}次",
            "number",
            y,
        )
    for y in (2016, 2020, 2023):
        add(
            f"{y}年局机关党委荣获全省先进基层党组织称号。",
            "not_supported",
            y,
            "各项工作取得新进展",
            "unsupported",
            y,
        )
        add(
            f"{y}年局机关新建党员活动阵地{3 + y % 5}处。",
            "not_supported",
            y,
            "各项工作取得新进展",
            "unsupported",
            y,
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the generated reports")
    ap.add_argument(
        "--sets", type=Path, help="also write series_qa.jsonl and series_review.jsonl here"
    )
    args = ap.parse_args(argv)
    write_corpus(args.out)
    if args.sets:
        for name, rows in (("series_qa.jsonl", qa_rows()), ("series_review.jsonl", review_rows())):
            lines = [json.dumps(r, ensure_ascii=False) for r in rows]
            (args.sets / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
