"""TimeAwareRetriever around a fake inner retriever over a small series of annual reports.

Each report is written in January of the year after the one it reviews and says 「全年」,
rarely the year: the 2023-01 report is the one about 2022.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from assistant.retrieval.base import Hit
from assistant.retrieval.time_aware import (
    TimeAwareRetriever,
    document_periods,
    hit_periods,
    query_time,
)
from core.periods import Period


class FakeRetriever:
    """Returns copies of its hits in the given order (the first ``k``); records each call."""

    def __init__(self, hits: list[Hit]):
        self.hits = hits
        self.calls: list[tuple[str, int, dict | None]] = []

    def retrieve(self, query, k=5, filters=None):
        self.calls.append((query, k, filters))
        return [copy.deepcopy(h) for h in self.hits[:k]]


def report_hit(
    written: int, text: str, *, month: int = 1, day: int = 20, doc: str | None = None, n: int = 0
) -> Hit:
    """A passage of the annual report written in ``written`` (so about ``written - 1``)."""
    doc = doc or f"dangjian-{written}"
    return Hit(
        chunk_id=f"{doc}:{n}",
        doc_id=doc,
        text=text,
        score=1.0,
        title="局机关党委党建工作总结",
        section_path="一、主要工作及成效",
        metadata={
            "date": f"{written}-{month:02d}-{day:02d}",
            "year": written,
            "genre": "工作总结",
        },
    )


RECRUITED = {2019: 21, 2020: 17, 2021: 33, 2022: 13, 2023: 10, 2024: 32}


def recruited(written: int) -> Hit:
    """The same sentence every year, only its numbers differ: near copies."""
    x = RECRUITED[written]
    return report_hit(
        written,
        f"全年新发展党员{x}名，截至年底，局机关党委下设基层党支部{30 + x}个，"
        f"党员总数达到{400 + x}名，坚持“三会一课”制度。",
    )


def ids(hits: list[Hit]) -> list[str]:
    return [h.doc_id for h in hits]


# -- query_time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "today", "periods", "trend"),
    [
        ("2022年新发展党员多少名？", None, (Period(2022, 2022),), False),
        ("去年新发展党员多少名？", dt.date(2024, 3, 1), (Period(2023, 2023),), False),
        # asked early in 2023, 近三年 ends with the year just reviewed, as a report written then
        ("近三年完成多少个改造？", dt.date(2023, 1, 5), (Period(2020, 2022),), False),
        ("近三年完成多少个改造？", dt.date(2023, 9, 5), (Period(2021, 2023),), False),
        ("“十三五”期间累计完成多少个？", None, (Period(2016, 2020),), False),
        ("历年新发展党员人数", None, (), True),
        ("2018年到2021年，历年新发展党员人数分别是多少？", None, (Period(2018, 2021),), True),
        ("老旧小区改造数量逐年变化情况如何？", None, (), True),
        ("平均每年增长多少？", None, (), False),  # one figure, not a series
        ("局机关党委下设多少个基层党支部？", None, (), False),
    ],
)
def test_query_time(question, today, periods, trend):
    asked = query_time(question, today)
    assert asked.periods == periods
    assert asked.trend is trend


def test_query_time_label():
    assert query_time("2018年到2021年和2023年各是多少？").label() == "2018—2021年；2023年"


# -- periods of a hit ------------------------------------------------------------------


def test_hit_periods_resolve_全年_against_the_document_date_and_are_cached():
    hit = report_hit(2023, "全年完成老旧小区改造46个。")
    assert hit_periods(hit) == [Period(2022, 2022)]
    assert hit.metadata["period"] == "2022年"
    assert hit.metadata["_period_strength"] == 1.0
    hit.text = "2010年完成老旧小区改造46个。"  # the cached periods are kept
    assert hit_periods(hit) == [Period(2022, 2022)]


def test_hit_periods_ignore_a_comparison_base_and_add_the_section():
    hit = report_hit(2024, "新发展党员人数比2022年增加6名。")
    hit.section_path = "一、2023年主要工作"
    assert hit_periods(hit) == [Period(2023, 2023)]


def test_a_passage_naming_no_time_gets_its_annual_report_year():
    hit = report_hit(2023, "坚持“三会一课”制度，开展主题党日活动。")
    assert hit_periods(hit) == [Period(2022, 2022)]  # the genre says it reviews 2022
    assert hit.metadata["_period_strength"] == 1.0


def test_a_passage_of_another_genre_gets_its_document_time_weakly():
    hit = report_hit(2023, "坚持“三会一课”制度，开展主题党日活动。")
    hit.metadata["genre"] = "经验交流"
    assert hit_periods(hit) == [Period(2022, 2023)]
    assert hit.metadata["_period_strength"] == 0.5


def test_an_undated_passage_naming_no_time_has_no_period():
    hit = Hit("c", "d", "坚持“三会一课”制度。", 1.0)
    assert hit_periods(hit) == []
    assert hit.metadata["period"] == ""


def test_document_periods_section_then_title_then_reviewed_year():
    hit = report_hit(2023, "正文。")
    hit.section_path = "二、“十三五”期间主要成效"
    assert document_periods(hit) == [Period(2016, 2020)]
    hit.section_path = ""
    hit.title = "局机关党委2021年度党建工作总结"
    assert document_periods(hit) == [Period(2021, 2021)]
    hit.title = "局机关党委党建工作总结"
    assert document_periods(hit) == [Period(2022, 2022)]
    hit.metadata["genre"] = "理论文章"
    assert document_periods(hit) == []


# -- re-ranking by the asked period ----------------------------------------------------


def test_a_question_about_2022_gets_the_report_written_early_2023_first():
    pool = [
        # the 2024 report names 2022 only as a comparison base
        report_hit(2024, "全年新发展党员28名，新发展党员人数比2022年增加6名。"),
        report_hit(2022, "围绕城市更新，全年完成老旧小区改造31个，惠及居民1.2万户。"),
        report_hit(2023, "坚持“三会一课”制度，全年开展主题党日活动45次。"),
    ]
    inner = FakeRetriever(pool)
    hits = TimeAwareRetriever(inner).retrieve("2022年开展了多少次主题党日活动？", k=3)
    assert ids(hits) == ["dangjian-2023", "dangjian-2024", "dangjian-2022"]
    assert [h.metadata["period"] for h in hits] == ["2022年", "2023年", "2021年"]
    assert hits[0].score > hits[1].score > hits[2].score
    # the top k first, then a wider pool to re-rank
    assert [k for _, k, _ in inner.calls] == [3, 40]


def test_filters_reach_the_inner_retriever():
    inner = FakeRetriever([recruited(2023), recruited(2024)])
    TimeAwareRetriever(inner, candidates=10).retrieve("2022年新发展党员", k=2, filters={"org": "x"})
    assert inner.calls == [
        ("2022年新发展党员", 2, {"org": "x"}),
        ("2022年新发展党员", 10, {"org": "x"}),
    ]


def test_the_period_is_a_preference_not_a_filter():
    pool = [report_hit(2023, "全年完成老旧小区改造46个。"), report_hit(2020, "全年完成改造12个。")]
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("2010年完成多少个改造？", k=2)
    assert ids(hits) == ["dangjian-2023", "dangjian-2020"]  # no match: inner order kept


def test_reference_date_resolves_去年():
    pool = [
        report_hit(2023, "全年新发展党员13名，坚持“三会一课”制度。"),
        report_hit(2024, "全年完成老旧小区改造28个，惠及居民0.5万户。"),
        report_hit(2022, "全年开展主题党日活动45次。"),
    ]
    r2024 = TimeAwareRetriever(FakeRetriever(pool), reference_date=dt.date(2024, 3, 1))
    assert ids(r2024.retrieve("去年的情况怎么样？", k=3))[0] == "dangjian-2024"
    r2022 = TimeAwareRetriever(FakeRetriever(pool), reference_date=dt.date(2022, 3, 1))
    assert ids(r2022.retrieve("去年的情况怎么样？", k=3))[0] == "dangjian-2022"


# -- near copies -----------------------------------------------------------------------


def test_near_copies_across_years_count_once_the_asked_year_wins():
    pool = [recruited(2024), recruited(2022), recruited(2023), recruited(2021)]
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("2022年新发展党员多少名？", k=4)
    assert ids(hits) == ["dangjian-2023"]
    assert "全年新发展党员13名" not in hits[0].text and "全年新发展党员10名" in hits[0].text


def test_near_copies_with_no_period_asked_the_newest_wins():
    pool = [recruited(2021), recruited(2023), recruited(2024), recruited(2022)]
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("局机关党委新发展党员多少名？", k=4)
    assert ids(hits) == ["dangjian-2024"]


def test_near_copies_kept_without_prefer_recent_keep_the_inner_first():
    pool = [recruited(2021), recruited(2023), recruited(2024)]
    retriever = TimeAwareRetriever(FakeRetriever(pool), prefer_recent=False)
    assert ids(retriever.retrieve("局机关党委新发展党员多少名？", k=3)) == ["dangjian-2021"]


def test_near_copies_leave_other_passages_in_place():
    other = report_hit(2023, "围绕城市更新，组建党员突击队8支，设立党员先锋岗26个。", n=1)
    pool = [recruited(2022), other, recruited(2024)]
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("局机关党委新发展党员多少名？", k=3)
    assert [h.chunk_id for h in hits] == ["dangjian-2024:0", "dangjian-2023:1"]


def test_copies_within_one_year_are_not_collapsed():
    text = recruited(2023).text
    pool = [
        report_hit(2023, text, doc="draft-v1"),
        report_hit(2023, text, month=2, day=3, doc="draft-v2"),
    ]
    inner = FakeRetriever(pool)
    hits = TimeAwareRetriever(inner).retrieve("局机关党委新发展党员多少名？", k=2)
    assert ids(hits) == ["draft-v1", "draft-v2"]
    assert len(inner.calls) == 1  # nothing to collapse: the inner top k as it is


# -- trends ----------------------------------------------------------------------------


def test_a_trend_question_gets_one_passage_per_document_in_time_order():
    pool = [recruited(2022), recruited(2024), recruited(2020), recruited(2023)]
    pool.append(report_hit(2024, "全年完成老旧小区改造28个。", n=1))  # a second 2024 passage
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("历年新发展党员人数是多少？", k=5)
    assert ids(hits) == ["dangjian-2020", "dangjian-2022", "dangjian-2023", "dangjian-2024"]
    assert hits[-1].chunk_id == "dangjian-2024:0"  # the better of the 2024 passages


def test_a_trend_question_naming_years_keeps_only_those_years():
    pool = [recruited(y) for y in (2024, 2019, 2022, 2021, 2023, 2020)]
    question = "2020年至2022年，新发展党员人数逐年变化情况如何？"
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve(question, k=5)
    # the reports about 2020, 2021 and 2022 were written in 2021, 2022 and 2023
    assert ids(hits) == ["dangjian-2021", "dangjian-2022", "dangjian-2023"]
    assert [h.metadata["period"] for h in hits] == ["2020年", "2021年", "2022年"]


def test_a_trend_question_keeps_the_k_best_documents():
    pool = [recruited(y) for y in (2024, 2023, 2019, 2022, 2021, 2020)]
    hits = TimeAwareRetriever(FakeRetriever(pool)).retrieve("历年新发展党员人数", k=3)
    assert ids(hits) == ["dangjian-2019", "dangjian-2023", "dangjian-2024"]


# -- left as the inner retriever gives them --------------------------------------------


def _undated(n: int) -> list[Hit]:
    texts = [
        "市委召开全会部署全年工作。",
        "老旧小区改造惠及居民1.2万户。",
        "机关党建工作围绕中心、建设队伍。",
        "今年夏季天气晴朗，降雨偏少。",
        "2022年全市粮食总产量达到120万吨。",
    ]
    return [Hit(f"news:{i}", f"news-{i}", texts[i], 1.0 - i / 10) for i in range(n)]


def test_an_undated_pool_is_returned_unchanged():
    pool = _undated(5)
    inner = FakeRetriever(pool)
    hits = TimeAwareRetriever(inner).retrieve("2022年粮食总产量是多少？", k=3)
    assert hits == pool[:3]  # same passages, same order, same scores
    assert len(inner.calls) == 1


def test_a_question_without_time_or_near_copies_gets_the_inner_top_k():
    pool = [
        recruited(2023),
        report_hit(2024, "围绕城市更新，组建党员突击队8支，设立党员先锋岗26个。"),
        report_hit(2022, "一是个别支部党建与业务融合还不够紧密。"),
        report_hit(2021, "全年完成老旧小区改造31个，惠及居民1.2万户。"),
    ]
    inner = FakeRetriever(pool)
    hits = TimeAwareRetriever(inner).retrieve("局机关党委组建了几支党员突击队？", k=3)
    assert hits == pool[:3]
    assert len(inner.calls) == 1


def test_an_empty_pool_gives_nothing():
    assert TimeAwareRetriever(FakeRetriever([])).retrieve("2022年新发展党员", k=3) == []
