import base64

from evals.html_report import confusion_png, render_report

METRICS = {
    "set": "s",
    "kind": "qa",
    "n_items": 2,
    "ks": [1, 3],
    "failure_rule": "rule",
    "pipelines": {
        "dense": {"hit@1": 0.5, "recall@1": 0.5, "recall@3": 1.0, "n_items": 2, "n_failed": 1},
        "bm25": {"hit@1": 0.0, "recall@1": 0.0, "recall@3": 0.5, "n_items": 2, "n_failed": 1},
    },
}


def _record(item_id, query, failed, pipeline="dense"):
    return {
        "id": item_id,
        "pipeline": pipeline,
        "query": query,
        "relevant_doc_ids": ["<b>doc</b>"],
        "ranked_doc_ids": ["d1"],
        "chunk_ids": ["d1:0"],
        "metrics": {"hit@1": 0.0 if failed else 1.0},
        "failed": failed,
    }


def test_set_text_is_escaped_and_failures_come_first():
    records = [
        _record("ok-1", "正常问题", False),
        _record("bad-1", "<script>alert(1)</script>", True),
    ]
    html = render_report(METRICS, records, {"machine": {"processor": "x86_64", "nproc": 2}})
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;doc&lt;/b&gt;" in html
    assert html.index("bad-1") < html.index("ok-1")
    assert 'alt="recall@k" src="data:image/png;base64,' in html
    assert "TRIVIAL" not in html


def test_trivial_checker_banner_and_confusion_plot():
    review = {
        "labels": ["supported", "not_supported", "contradicted"],
        "accuracy": 0.5,
        "macro_f1": 0.4,
        "per_class": {
            lab: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 1}
            for lab in ("supported", "not_supported", "contradicted")
        },
        "confusion": [[1, 0, 0], [1, 0, 0], [0, 0, 1]],
    }
    metrics = {
        **METRICS,
        "kind": "review",
        "checker": "trivial",
        "ks": [],
        "pipelines": {"bm25": {"correct": 0.5, "review": review}},
    }
    html = render_report(metrics, [], {})
    assert 'class="warn"' in html and "TRIVIAL checker" in html
    assert 'alt="confusion matrix bm25"' in html


def test_confusion_png_is_a_png():
    data = base64.b64decode(confusion_png([[2, 1], [0, 3]], ["a", "b"], "t"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
