"""``assistant eval``: run eval sets against the retrieval pipelines and compare runs.

The library raises ``AssistantError``s; this module prints them as one line and exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.errors import AssistantError
from evals.baselines import TRIVIAL_CHECKER_NAME
from evals.runner import DEFAULT_KS, PIPELINES

app = typer.Typer(
    help="Offline evaluation: run JSONL sets against the pipelines, compare runs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def register(main: typer.Typer) -> None:
    """Mount ``eval`` on the ``assistant`` command (entry point ``drafting_assistant.commands``)."""
    main.add_typer(app, name="eval", help="Offline evaluation: run sets, compare runs.")


def _fail(exc: Exception) -> typer.Exit:
    """The same one line as the ``assistant`` command prints (brackets kept as text)."""
    from rich.markup import escape

    err.print(f"[red]错误:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _make_factory(naive_progress=None, ingest_progress=None):
    """``prepared corpus -> (name -> Retriever)``; tests replace this."""
    from evals.pipelines import ProjectRetrievers

    def factory(prepared):
        return ProjectRetrievers(
            prepared, ingest_progress=ingest_progress, naive_progress=naive_progress
        )

    return factory


@app.command("run")
def run_command(
    set_path: Annotated[Path, typer.Argument(help="Eval set (JSONL).", metavar="SET")],
    corpus: Annotated[
        Path, typer.Option("--corpus", help="Folder of documents or JSONL of {id,title,text}.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Run directory to write, e.g. runs/NAME.")],
    pipeline: Annotated[
        list[str] | None,
        typer.Option("--pipeline", "-p", help=f"{' | '.join(PIPELINES)} (repeatable)."),
    ] = None,
    k: Annotated[list[int] | None, typer.Option("--k", help="Cut-offs (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="First N items only.")] = None,
    split: Annotated[
        str | None, typer.Option("--split", help="Only the rows of this split: dev | heldout.")
    ] = None,
    answers: Annotated[
        bool,
        typer.Option("--answers", help="Also write and score answers (QA sets), per generator."),
    ] = False,
    generator: Annotated[
        list[str] | None,
        typer.Option(
            "--generator", help="extractive | local | endpoint (repeatable; with --answers)."
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Where eval indexes live [setting eval_data_dir, env ASSISTANT_EVAL_DATA_DIR; "
            "default: <data_dir>/evals].",
        ),
    ] = None,
) -> None:
    """Score a set with each pipeline; write items.jsonl, metrics.json, report.html, run.json.

    Example: assistant eval run evals/sets/seeds_qa.jsonl --corpus ../shared/corpus/seeds
    --pipeline hybrid --pipeline naive --k 1 --k 5 --out runs/seed
    """
    from core.settings import load_settings
    from evals.runner import run_eval

    pipelines = list(dict.fromkeys(pipeline or PIPELINES))
    unknown = [p for p in pipelines if p not in PIPELINES]
    if unknown:
        raise typer.BadParameter(
            f"unknown pipeline {unknown[0]!r}; choose from {', '.join(PIPELINES)}",
            param_hint="--pipeline",
        )
    generators = list(dict.fromkeys(generator or (["extractive"] if answers else [])))
    if generators and not answers:
        raise typer.BadParameter("--generator needs --answers", param_hint="--generator")
    bad = [g for g in generators if g not in ("extractive", "local", "endpoint")]
    if bad:
        raise typer.BadParameter(
            f"unknown generator {bad[0]!r}; choose extractive, local or endpoint",
            param_hint="--generator",
        )
    ks = sorted(set(k or DEFAULT_KS))
    if ks[0] < 1:
        raise typer.BadParameter("k must be at least 1", param_hint="--k")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        settings = load_settings()
        with Progress(*columns, console=err, transient=True) as progress:
            tasks: dict[str, int] = {}

            def on_item(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = progress.add_task(f"eval {name}", total=total)
                progress.update(tasks[name], completed=done)

            build = progress.add_task("build index", total=None, visible=False)

            def naive_progress(done: int, total: int) -> None:
                progress.update(
                    build, description="naive index", completed=done, total=total, visible=True
                )

            def ingest_progress(done: int, total: int, *_: object) -> None:
                progress.update(
                    build, description="ingest", completed=done, total=total, visible=True
                )

            metrics = run_eval(
                set_path,
                corpus,
                out,
                settings,
                pipelines=pipelines,
                ks=ks,
                limit=limit,
                split=split,
                eval_root=data_dir or settings.eval_data_dir,
                retriever_factory=_make_factory(naive_progress, ingest_progress),
                command=sys.argv,
                on_item=on_item,
                generators=generators,
            )
    except AssistantError as exc:
        raise _fail(exc) from None
    _print_metrics(metrics)
    console.print(f"wrote {out}/ (items.jsonl, metrics.json, report.html, run.json)")


def _print_metrics(metrics: dict) -> None:
    if metrics.get("checker") == TRIVIAL_CHECKER_NAME:
        console.print("[bold yellow]review verdicts come from the TRIVIAL checker[/bold yellow]")
    table = Table(title=f"{metrics['set']} ({metrics['kind']}, {metrics['n_items']} items)")
    summaries = metrics["pipelines"]
    names: list[str] = []
    for summary in summaries.values():
        names.extend(n for n, v in summary.items() if isinstance(v, int | float) and n not in names)
    table.add_column("metric")
    for name in summaries:
        table.add_column(name, justify="right")
    for name in names:
        table.add_row(name, *(_cell(s.get(name)) for s in summaries.values()))
    console.print(table)
    answers = metrics.get("answers")
    if answers:
        table = Table(title="answers")
        table.add_column("metric")
        for name in answers:
            table.add_column(name, justify="right")
        keys = [k for k, v in next(iter(answers.values())).items() if k != "label"]
        for key in keys:
            table.add_row(key, *(_cell(s.get(key)) for s in answers.values()))
        console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="Baseline run directory.")],
    run_b: Annotated[Path, typer.Argument(help="New run directory.")],
    show: Annotated[int, typer.Option("--show", min=0, help="Items listed per side.")] = 20,
) -> None:
    """Print metric deltas (B − A) and the items that got better or worse.

    Example: assistant eval compare runs/before runs/after
    """
    from evals.compare import compare_runs

    try:
        comparison = compare_runs(run_a, run_b)
    except AssistantError as exc:
        raise _fail(exc) from None
    table = Table(title=f"{run_a} → {run_b}")
    for col in ("pipeline", "metric", "A", "B", "Δ"):
        table.add_column(col, justify="left" if col in ("pipeline", "metric") else "right")
    for d in comparison.deltas:
        delta = d.delta
        style = "green" if delta and delta > 0 else "red" if delta and delta < 0 else ""
        text = "—" if delta is None else f"{delta:+.3f}"
        table.add_row(
            d.pipeline,
            d.metric,
            _cell(d.a),
            _cell(d.b),
            f"[{style}]{text}[/{style}]" if style else text,
        )
    console.print(table)
    for title, changes in (("better", comparison.better), ("worse", comparison.worse)):
        console.print(f"[bold]{len(changes)} items {title}[/bold]")
        for c in changes[:show]:
            flag = f" (failed {c.failed_a} → {c.failed_b})" if c.failed_a != c.failed_b else ""
            console.print(
                f"  {c.pipeline}  {c.id}  {c.metric} {c.a:.3f} → {c.b:.3f}{flag}",
                highlight=False,
                markup=False,
            )


@app.command("metadata")
def metadata_command(
    gold: Annotated[Path, typer.Argument(help="Gold metadata (JSONL).", metavar="GOLD")] = Path(
        "evals/sets/metadata_gold.jsonl"
    ),
    split: Annotated[
        str, typer.Option("--split", help="dev, heldout or all.", envvar="ASSISTANT_EVAL_SPLIT")
    ] = "dev",
) -> None:
    """Score title/org/date/year/genre extraction against gold metadata, per field.

    Example: assistant eval metadata evals/sets/metadata_gold.jsonl --split heldout
    """
    from evals.metadata import FIELDS, load_gold, score

    try:
        rows = [g for g in load_gold(gold) if split == "all" or g["split"] == split]
        scores = score(rows)
    except AssistantError as exc:
        raise _fail(exc) from exc
    table = Table("split", "docs", *FIELDS)
    for name, s in scores.items():
        table.add_row(name, str(s.total), *(f"{s.accuracy(f):.3f}" for f in FIELDS))
    console.print(table)
    for s in (scores.get(split) or next(iter(scores.values()), None),):
        for miss in s.misses if s else []:
            console.print(
                f"  {miss.doc} {miss.field}: {miss.gold!r} → {miss.got!r}", highlight=False
            )
