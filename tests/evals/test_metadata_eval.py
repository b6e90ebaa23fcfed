from pathlib import Path

from evals.metadata import FIELDS, field_right, load_gold, score

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
