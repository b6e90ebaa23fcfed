"""Which retrieved unit a question names."""

from __future__ import annotations

import pytest

from assistant.generation.asked_unit import asked_sources, names_unit

ORGS = ["XXX国土分局", "盐城市城市管理局", "X区", "天津市滨海新区区委区级机关工委", "市住建局"]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("國土分局對促進黨建與業務深度融合提出了哪些設想？", ["XXX国土分局"]),  # Traditional
        ("盐城城管局那篇党建文章是谁写的？", ["盐城市城市管理局"]),  # short form, in order
        ("X区在“两新”组织里搞的“双培双创”是什么内容？", ["X区"]),  # the whole name
        ("滨海新区为帮街镇解决难题建立了什么工作机制？", ["天津市滨海新区区委区级机关工委"]),
        ("住建局调研认为党员参与城市建设主要存在哪些问题？", ["市住建局"]),
        ("各单位在干部培训上有哪些具体安排？", []),
        ("各单位机关党建有什么做法？", []),  # 机关 is part of a name, not a unit
        ("社区党组织怎么做？", []),  # one unit character is not a name
    ],
)
def test_names_unit(question, named):
    assert [o for o in ORGS if names_unit(question, o)] == named


def test_asked_sources_reads_aliases():
    names = [["天津市滨海新区区委区级机关工委"], ["某某局", "盐城市城市管理局"], [""]]
    assert asked_sources("盐城城管局怎样开展廉政教育？", names) == {1}
    assert asked_sources("各单位怎样开展廉政教育？", names) == set()
