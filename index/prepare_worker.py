"""Load, clean and chunk each input in a worker process that a watchdog can stop.

A damaged or hostile file may make a parser loop, recurse or allocate without end; in a
thread nothing could stop it, and the ingest holding the index lock would wait forever. So
the preparation runs in a child process:

1. The parent sends at most ``WINDOW`` items ahead (bounded memory both ways) and yields the
   results in order, while its own thread embeds the previous ones.
2. The child announces each item when it starts it; an item running longer than
   ``settings.prepare_timeout_s`` gets its process killed, is reported as that file's failure,
   and a fresh child takes the remaining items.
3. The child's address space is capped at ``settings.prepare_memory_mb``: an allocation beyond
   it is a ``MemoryError`` there, reported as that file's failure; the child goes on.
4. A child that dies (a crash in a C parser, the kernel's OOM killer) costs the item it was on,
   never the run.

A child costs about a second to start (imports and jieba's dictionary), paid once per run
while the parent opens the index; and again after a child had to be stopped. Before it takes
its first item it prepares a two-line text of its own, so what loads lazily on first use (the
tokenizer, the script converter: 1.5 s on a slow 2-core machine) does not count against the
first file's time limit.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection

from core.errors import AssistantError, LoadError, NoTextError
from core.settings import Settings
from index.prepare import Prepared, build_document, prepare
from index.sources import Item
from index.versions import signature

log = logging.getLogger(__name__)

WINDOW = 8  # items sent ahead of the one being prepared
POLL_S = 0.25  # how often the parent looks at the clock while it waits
STOP_S = 5.0  # a child asked to stop gets this long before it is killed


def timed_out(limit_s: float) -> str:
    return (
        f"处理超过 {limit_s:g} 秒上限已中止，文件可能已损坏或结构异常"
        "（上限见设置 prepare_timeout_s）"
    )


def out_of_memory(limit_mb: int) -> str:
    return (
        f"处理时内存超过 {limit_mb} MB 上限已中止，文件可能已损坏或过大"
        "（上限见设置 prepare_memory_mb）"
    )


CRASHED = "处理时进程意外退出，文件可能已损坏"


def internal_error(key: str, exc: Exception) -> LoadError:
    return LoadError(key, f"内部错误（{type(exc).__name__}: {exc}），请报告此问题")


def prepare_item(item: Item, settings: Settings) -> Prepared | LoadError:
    """One item's document and chunks, or the ``LoadError`` that is its outcome."""
    try:
        loaded = item.load()
        if len(loaded.text) > settings.max_text_chars:
            raise LoadError(
                item.key,
                f"文字过长（{len(loaded.text):,} 字 > 上限 {settings.max_text_chars:,} 字），"
                "请拆分成较小的文件",
            )
        doc = build_document(
            loaded.text,
            source_path=item.key,
            title_hint=loaded.title_hint,
            warnings=loaded.warnings,
        )
        if doc is None:
            raise NoTextError(item.key)
        prep = prepare(
            doc,
            max_tokens=settings.chunk_tokens,
            overlap_sentences=settings.chunk_overlap_sentences,
        )
        prep.signature = signature(doc.text)
        return prep
    except LoadError as exc:
        return exc
    except OSError as exc:  # the file could not be read (permissions, I/O error, gone)
        return LoadError(item.key, f"无法读取文件（{exc.strerror or exc}），请检查权限或磁盘")
    except MemoryError:
        return LoadError(item.key, out_of_memory(settings.prepare_memory_mb))
    except RecursionError:
        return LoadError(item.key, "嵌套层级过深，文件可能已损坏")
    except AssistantError as exc:  # e.g. a setting the chunker refuses: say which
        return LoadError(item.key, str(exc))


def _limit_memory(limit_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    cap = limit_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


_WARM_UP_TEXT = "关于开展调研工作的报告\n今年以来，我局开展调研3次，形成报告2篇。\n"


def _warm_up(settings: Settings) -> None:
    """Load what preparing a file loads on first use, before any file's clock starts."""
    try:
        doc = build_document(_WARM_UP_TEXT, source_path="warm-up")
        if doc is not None:
            prepare(
                doc,
                max_tokens=settings.chunk_tokens,
                overlap_sentences=settings.chunk_overlap_sentences,
            )
    except AssistantError:  # a setting the chunker refuses: every item will say so itself
        log.debug("prepare worker warm-up failed", exc_info=True)


def _serve(jobs: Connection, results: Connection) -> None:
    """The child: read the settings, warm up, then prepare items until told to stop (``None``)."""
    settings: Settings = jobs.recv()
    _limit_memory(settings.prepare_memory_mb)
    _warm_up(settings)
    while (job := jobs.recv()) is not None:
        seq, item = job
        results.send(("start", seq, time.monotonic()))
        try:
            result = prepare_item(item, settings)
        except Exception as exc:  # noqa: BLE001 — the process boundary: a bug of ours on this
            # input is logged with its traceback and reported as one, never as a damaged file;
            # the rest of the batch goes on
            log.exception("internal error while preparing %s", item.key)
            result = internal_error(item.key, exc)
        try:
            results.send(("done", seq, result))
        except MemoryError:  # the result itself did not fit: report the file, not the result
            results.send(
                ("done", seq, LoadError(item.key, out_of_memory(settings.prepare_memory_mb)))
            )


class _Child:
    """A worker process (``python -m index.prepare_worker``: it never re-runs the caller's
    main module, as multiprocessing's spawn would) and the two pipes to it. Jobs go out through
    a thread, so neither side can block the other on a full pipe."""

    def __init__(self, settings: Settings):
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "index.prepare_worker", str(job_r), str(res_w)],
            pass_fds=(job_r, res_w),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        os.close(job_r)
        os.close(res_w)
        self.results = Connection(res_r, writable=False)
        self._jobs = Connection(job_w, readable=False)
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, daemon=True)
        self._sender.start()
        self.send(settings)

    def send(self, obj: object) -> None:
        self._outbox.put(obj)

    def _send_all(self) -> None:
        while (obj := self._outbox.get()) is not _CLOSE:
            try:
                self._jobs.send(obj)
            except OSError:  # the child is gone; the parent notices and reports it
                return

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.send(None)
            try:
                self.process.wait(STOP_S)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        self._outbox.put(_CLOSE)
        self._sender.join()
        self._jobs.close()
        self.results.close()


_CLOSE = object()


def prepared_items(
    items: list[Item], settings: Settings
) -> Iterator[tuple[Item, Prepared | LoadError]]:
    """``(item, Prepared or LoadError)`` for every item, in order; see the module docstring."""
    waiting = deque(enumerate(items))
    while waiting:
        child = _Child(settings)
        try:
            yield from _run_child(child, waiting, settings)
        finally:
            child.stop()


def _run_child(
    child: _Child, waiting: deque, settings: Settings
) -> Iterator[tuple[Item, Prepared | LoadError]]:
    """Feed ``child`` from ``waiting`` until it is empty or the child had to be given up; the
    items it had not finished go back to the front of ``waiting``."""
    sent: dict[int, Item] = {}
    order: deque[int] = deque()
    started: tuple[int, float] | None = None
    while waiting or sent:
        while waiting and len(sent) < WINDOW:
            seq, item = waiting.popleft()
            child.send((seq, item))
            sent[seq] = item
            order.append(seq)
        try:
            got = child.results.recv() if child.results.poll(POLL_S) else None
        except EOFError:  # the child closed its end: it has exited
            got = None
        if got is None:
            failure = _failure(child, started, settings)
            if failure is None:
                continue
            lost = started[0] if started else order[0]
            item = sent.pop(lost)
            order.remove(lost)
            log.warning("prepare worker given up on %s: %s", item.key, failure)
            child.kill()
            waiting.extendleft((s, sent[s]) for s in reversed(order))
            yield item, LoadError(item.key, failure)
            return
        kind, seq, value = got
        if kind == "start":
            started = (seq, value)
            continue
        started = None
        order.remove(seq)
        yield sent.pop(seq), value


def _failure(child: _Child, started: tuple[int, float] | None, settings: Settings) -> str | None:
    """Why the child must be given up on now, or ``None`` while it is fine."""
    if not child.alive():
        return CRASHED
    if started and time.monotonic() - started[1] > settings.prepare_timeout_s:
        return timed_out(settings.prepare_timeout_s)
    return None


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
