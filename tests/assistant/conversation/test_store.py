"""The conversation store: per-user rows in SQLite, turns round-tripped with their sources,
writers on many threads and two store objects on one file."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from assistant.conversation.store import ConversationStore, title_for
from assistant.conversation.types import Turn
from assistant.generation.types import Citation
from assistant.retrieval.base import Hit
from core.errors import InputError, NotFoundError, StoreError
from core.settings import Settings


@pytest.fixture
def store(tmp_path):
    return ConversationStore(Settings(data_dir=tmp_path, embedder="hash"))


def _turn(question="西安市住建局有多少个基层党组织？", answer="现有基层党组织48个[1]。"):
    hit = Hit(
        "c1", "d1", "市住建局现有基层党组织48个。", 0.9, "调研报告", "一、基本情况", "/u/a.txt",
        {"org": "西安市住建局", "year": 2021, "_periods": [object()]},
    )  # fmt: skip
    return Turn(
        question, answer, "", "answer", {"year": 2021}, "抽取式", True, ["提示一"],
        [Citation(1, hit)], [1],
    )  # fmt: skip


def test_the_file_lives_in_the_data_dir(tmp_path):
    ConversationStore(Settings(data_dir=tmp_path, embedder="hash"))
    assert (tmp_path / "conversations.sqlite3").is_file()


def test_turns_round_trip_with_their_sources(store):
    conv = store.create("甲")
    assert store.add_turn("甲", conv.id, _turn()) == 0
    assert store.add_turn("甲", conv.id, _turn("那在职党员有多少名？", "485名[1]。")) == 1
    got = store.get("甲", conv.id)
    assert [t.question for t in got.turns] == [
        "西安市住建局有多少个基层党组织？",
        "那在职党员有多少名？",
    ]
    first = got.turns[0]
    assert first.answer == "现有基层党组织48个[1]。" and first.filters == {"year": 2021}
    assert first.notices == ["提示一"] and first.cited == [1] and first.label == "抽取式"
    (c,) = first.sources
    assert c.n == 1 and c.hit.text == "市住建局现有基层党组织48个。"
    assert c.hit.metadata == {"org": "西安市住建局", "year": 2021}  # parsed periods not kept
    assert got.title == title_for("西安市住建局有多少个基层党组织？")


def test_list_is_newest_first_and_rename_keeps_the_title(store):
    a = store.create("甲")
    b = store.create("甲")
    store.add_turn("甲", a.id, _turn("第一个对话的问题"))
    assert [c.id for c in store.list("甲")] == [a.id, b.id]
    store.rename("甲", a.id, "  住建局  党组织 ")
    store.add_turn("甲", a.id, _turn("再问"))
    assert store.get("甲", a.id).title == "住建局 党组织"
    with pytest.raises(InputError, match="新的对话名称"):
        store.rename("甲", a.id, "   ")


def test_one_users_conversations_are_invisible_to_another(store):
    mine = store.create("甲")
    store.add_turn("甲", mine.id, _turn())
    assert store.list("乙") == []
    assert store.last("乙") is None
    for action in (
        lambda: store.get("乙", mine.id),
        lambda: store.rename("乙", mine.id, "改名"),
        lambda: store.delete("乙", mine.id),
        lambda: store.add_turn("乙", mine.id, _turn()),
        lambda: store.replace_turn("乙", mine.id, 0, _turn()),
    ):
        with pytest.raises(NotFoundError, match="找不到这个对话"):
            action()
    assert len(store.get("甲", mine.id).turns) == 1
    assert store.get("甲", mine.id).title != "改名"


def test_replace_turn_and_delete(store):
    conv = store.create("甲")
    store.add_turn("甲", conv.id, _turn())
    store.replace_turn("甲", conv.id, 0, _turn(answer="重新生成的回答[1]。"))
    assert store.get("甲", conv.id).turns[0].answer == "重新生成的回答[1]。"
    with pytest.raises(NotFoundError, match="第 3 轮"):
        store.replace_turn("甲", conv.id, 2, _turn())
    store.delete("甲", conv.id)
    assert store.list("甲") == []
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM turns").fetchone() == (0,)


def test_writers_on_many_threads_and_two_stores_lose_nothing(tmp_path):
    settings = Settings(data_dir=tmp_path, embedder="hash")
    first, second = ConversationStore(settings), ConversationStore(settings)
    conv = first.create("甲")
    errors = []

    def write(store, n):
        try:
            for i in range(5):
                store.add_turn("甲", conv.id, _turn(f"问题{n}-{i}"))
        except StoreError as exc:  # pragma: no cover - the failure this test is about
            errors.append(exc)

    threads = [threading.Thread(target=write, args=((first, second)[n % 2], n)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    questions = [t.question for t in first.get("甲", conv.id).turns]
    assert sorted(questions) == sorted(f"问题{n}-{i}" for n in range(6) for i in range(5))


def test_an_unreadable_file_is_a_store_error(tmp_path):
    bad = tmp_path / "conversations.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="对话记录"):
        ConversationStore(path=bad)
