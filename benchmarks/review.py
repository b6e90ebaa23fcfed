"""Review latency: a 2,000-character draft checked against the seed index (default e5 model).

    .venv/bin/python benchmarks/review.py [--runs 5]

The draft is built from seed sentences (some reworded, some with a changed number, some
invented), so every verdict kind occurs. The index is built once in a temp dir; the model
load and one warm-up review are excluded; the median of ``--runs`` reviews is reported,
with terminology mining (cached per index) included in the first, timed separately.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.retrieval import build_retriever  # noqa: E402
from assistant.retrieval.reader import IndexReader  # noqa: E402
from assistant.review.checker import review_text  # noqa: E402
from assistant.review.terms import terms_for_reader  # noqa: E402
from benchmarks.common import machine, write_json  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.pipeline import ingest_paths  # noqa: E402

SEEDS = REPO.parent / "shared" / "corpus" / "seeds"

PARTS = [
    "一、基本情况",
    "市住建局现有基层党组织48个，其中总支1个、支部47个，在职党员458名。",
    "各基层党组织通过设立“党员示范岗”和开展“党建+”及党员承诺践诺活动，党建工作呈现出新的生机和活力。",
    "市城管局着力打造“城市好管家”党建品牌，以高质量党建护航城管高质量发展。",
    "局党组制定出台《党建工作三级责任清单》，进一步明确了各级抓党建工作的责任。",
    "组织党员干部赴盐城监狱进行廉政实境警示教育，持续开展清风读书活动。",
    "2021年6月28日，滨海新区市场监督管理局机关党委组织新党员进行集体宣誓。",
    "全区累计征集服务项目80余个，建立台账清单，帮助协调解决。",
    "今年共举办党务干部培训班12期，培训党员2300人次。",
    "二、存在的问题",
    "个别党员主体意识不够强，参与城市建设的主动性有待提高。",
    "党员教育形式与党员的要求和期待存在差距，活动载体需进一步创新。",
    "三、下一步工作打算",
    "下一步，我们将继续坚持一岗双责，压实党建工作责任，推动党建与业务深度融合。",
]


def make_draft(target_chars: int = 2000) -> str:
    out, i = [], 0
    while sum(len(p) + 1 for p in out) < target_chars:
        out.append(PARTS[i % len(PARTS)])
        i += 1
    return "\n".join(out)[:target_chars]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "review-e5.json")
    args = ap.parse_args()

    embedder = make_embedder(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        ingest_paths([SEEDS], settings, embedder=embedder)
        reader = IndexReader(settings, embedder)
        retriever = build_retriever("hybrid", settings, reader=reader)
        draft = make_draft()

        t0 = time.perf_counter()
        terms = terms_for_reader(reader)
        mining_s = time.perf_counter() - t0
        report = review_text(draft, retriever, terms=terms)  # warm-up (query cache cleared below)

        times = []
        for _ in range(args.runs):
            reader.clear_query_cache()  # every run embeds its queries anew
            t0 = time.perf_counter()
            report = review_text(draft, retriever, terms=terms)
            times.append(time.perf_counter() - t0)
        reader.close()

    result = {
        "benchmark": "review",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "draft_chars": len(draft),
        "sentences": len(report.verdicts),
        "totals": report.totals,
        "term_mining_s": round(mining_s, 3),
        "review_s_runs": [round(t, 3) for t in times],
        "review_s_median": round(statistics.median(times), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    write_json(result, args.out)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
