from pathlib import Path

import pytest

from core.errors import LoadError
from evals.metadata import FIELDS, field_right, load_gold, score, variant_text

GOLD = Path(__file__).parents[2] / "evals" / "sets" / "metadata_gold.jsonl"


def test_gold_rows_are_complete_and_split():
    rows = load_gold(GOLD)
    assert len(rows) >= 50
    assert {r["split"] for r in rows} == {"dev", "heldout"}
    assert sum(r["source"] == "scale" for r in rows) >= 30
    for r in rows:
        assert set(FIELDS) <= set(r)


def test_null_title_needs_a_derived_title():
    assert field_right("title", None, {"title_source": "derived"})
    assert not field_right("title", None, {"title_source": "text", "title": "为认真贯彻…"})
    assert field_right("title", "強化 工作", {"title": "强化工作"})


def test_seed_metadata_meets_the_bar():
    rows = [r for r in load_gold(GOLD) if r["source"] == "seeds"]
    s = score(rows)["dev"]
    assert s.total == 5
    for name in ("title", "org", "year", "date"):
        assert s.accuracy(name) == 1.0, s.misses


def test_variant_rows_are_dev_and_name_a_dev_base():
    rows = load_gold(GOLD)
    dev_ids = {r["id"] for r in rows if r["split"] == "dev"}
    variants = [r for r in rows if r["source"] == "variant"]
    assert len(variants) >= 10
    for r in variants:
        assert r["split"] == "dev"
        assert r["base"] in dev_ids  # never built from a heldout document


def test_variant_text_lays_out_the_base():
    base = "debris\n正文第一段。\n正文第二段。\n相关链接"
    row = {
        "id": "variant:x",
        "drop_head": 1,
        "drop_tail": 1,
        "replace": [["第二段", "第三段"]],
        "head": ["标题上半", "标题下半"],
        "tail": ["二〇二三年三月五日"],
    }
    assert (
        variant_text(base, row)
        == "标题上半\n标题下半\n正文第一段。\n正文第三段。\n二〇二三年三月五日"
    )
    with pytest.raises(LoadError, match="not in the base text"):
        variant_text(base, {"id": "variant:y", "replace": [["没有", "x"]]})
