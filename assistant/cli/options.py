"""The options every ``assistant`` command shares, defined once (names, help and allowed values
come from the settings and the retrieval package, so they cannot drift)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import typer

from assistant.retrieval import PIPELINES
from core.settings import EmbedderName

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory [env ASSISTANT_DATA_DIR].")
]
Embedder = Annotated[
    str | None,
    typer.Option(
        "--embedder", help=f"{' | '.join(get_args(EmbedderName))} [env ASSISTANT_EMBEDDER]."
    ),
]
Pipeline = Annotated[str, typer.Option("--pipeline", help=" | ".join(PIPELINES))]
Org = Annotated[str | None, typer.Option(help="Filter: organisation.")]
Year = Annotated[int | None, typer.Option(help="Filter: year.")]
Genre = Annotated[str | None, typer.Option(help="Filter: genre (调研报告, 工作总结 …).")]
UsersFile = Annotated[
    Path | None,
    typer.Option("--users-file", help="Logins file [default: <data_dir>/users.txt]."),
]
