"""Whether this machine's llama.cpp build can run a model, asked of a child process first.

A llama.cpp compiled with instructions the CPU announces but the machine does not allow (Intel
AMX on some Sapphire Rapids VMs: the first ``ldtilecfg`` faults) kills its process on the first
decode, and in-process that is the web app and every user's session with it. So before a model
is loaded in-process, ``check_runtime(path)`` has a child process load it and decode a token:

1. A verdict kept for the same llama.cpp library and model file is reused (a file beside the
   model, ``.<name>.runtime.json``; where that folder is not writable, only for this process).
2. The child (``probe_command``: load, read a short prompt, generate a token) exits 0: the
   runtime works.
3. Killed by a signal, failed or past ``PROBE_TIMEOUT_S``: ``LLMError`` in Chinese naming the
   model file and what to do; the generation service falls back to extractive with a notice.
   The process remembers the failure and does not try again until it restarts (the libraries
   it has loaded stay the old ones even when a rebuild replaces them on disk).

The Makefile builds llama.cpp without AMX; this guards installs made another way.
"""

from __future__ import annotations

import functools
import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

from core.errors import LLMError

PROBE_TIMEOUT_S = 300  # loading 1.1 GB from a cold disk and one decode
_OK: set[str] = set()  # this process's good verdicts (the only ones where no file can be kept)
_FAILED: dict[str, str] = {}  # a failed try is not repeated by this process


def check_runtime(path: Path, n_threads: int) -> None:
    """Return when ``path`` runs under this llama.cpp in a child process; raise ``LLMError``
    otherwise (module docstring)."""
    key = _key(path)
    record = path.parent / f".{path.name}.runtime.json"
    if key in _OK or _recorded(record) == key:
        return
    if key in _FAILED:
        raise LLMError(_FAILED[key])
    try:
        done = subprocess.run(
            probe_command(path, n_threads), capture_output=True, text=True, timeout=PROBE_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        _FAILED[key] = (
            f"本地模型 {path.name} 试运行超过 {PROBE_TIMEOUT_S} 秒没有结果"
            " / the local model did not answer a test run in time"
        )
        raise LLMError(_FAILED[key]) from exc
    if done.returncode != 0:
        _FAILED[key] = _failure(path, done.returncode, done.stderr)
        raise LLMError(_FAILED[key])
    _OK.add(key)
    try:
        record.write_text(json.dumps({"key": key}), encoding="utf-8")
    except OSError:
        pass  # a read-only model folder: the verdict holds for this process only


# The child: a prompt of a few dozen tokens read as one batch (a single token is not enough:
# the AMX kernels were only taken for a batch of two or more), then one token generated.
_CHILD = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=int(sys.argv[2]), verbose=False)
prompt = llm.tokenize("市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员485名。".encode())
llm.create_completion(prompt, max_tokens=1)
"""


def probe_command(path: Path, n_threads: int) -> list[str]:
    """The child process that loads ``path``, reads a short prompt and generates a token."""
    return [sys.executable, "-c", _CHILD, str(path), str(n_threads)]


def _failure(path: Path, code: int, stderr: str) -> str:
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return (
            f"本地模型运行库在本机试运行时崩溃（{name}，模型 {path.name}）：llama.cpp 编译时"
            "用了本机不能执行的指令（如 Intel AMX），请运行 make install-llama 重新编译后重启"
            " / the llama.cpp build crashes on this CPU"
        )
    last = (stderr.strip().splitlines() or [""])[-1][:200]
    return f"本地模型 {path.name} 试运行失败（退出码 {code}：{last}）"


def _key(path: Path) -> str:
    """The llama.cpp libraries and the model file, as the verdict's key."""
    parts = [*_libraries(), _stamp(path.resolve())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stamp(f: Path) -> str:
    """A file as the key sees it: name, size and modification time."""
    st = f.stat()
    return f"{f}:{st.st_size}:{st.st_mtime_ns}"


@functools.cache
def _libraries() -> tuple[str, ...]:
    """The llama.cpp libraries as this process first saw them: a build replaced on disk while
    it runs is not the one it has loaded, so its verdict does not change before a restart."""
    import llama_cpp

    parts = [sys.executable]
    lib = Path(llama_cpp.__file__).parent / "lib"
    for f in sorted(lib.glob("*.so*")) + sorted(lib.glob("*.dll")) + sorted(lib.glob("*.dylib")):
        parts.append(_stamp(f))
    return tuple(parts)


def _recorded(record: Path) -> str | None:
    try:
        return json.loads(record.read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError, AttributeError):
        return None
