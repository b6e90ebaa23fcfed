"""``assistant serve`` and ``assistant user-add``; mounted on the main CLI by ``register``."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.options import DataDir, UsersFile
from core.settings import load_settings


def register(app: typer.Typer) -> None:
    """Add the ``serve`` and ``user-add`` commands to ``app``."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port.")] = 7860,
        users_file: UsersFile = None,
        data_dir: DataDir = None,
    ) -> None:
        """Start the web app. Other addresses than 127.0.0.1 need a login.

        Example: assistant serve --host 0.0.0.0 --port 7860 --users-file users.txt
        """
        from assistant.web.serve import serve as run

        run(load_settings(data_dir=data_dir), host=host, port=port, users_file=users_file)

    @app.command("user-add")
    def user_add(
        name: Annotated[str, typer.Argument(help="Login name.")],
        password: Annotated[
            str,
            typer.Option(
                "--password",
                prompt=True,
                hide_input=True,
                confirmation_prompt=True,
                envvar="ASSISTANT_NEW_PASSWORD",
                help="Asked for when not given.",
            ),
        ],
        users_file: UsersFile = None,
        data_dir: DataDir = None,
    ) -> None:
        """Add a web login (or change its password); stores a salted scrypt hash only.

        Example: assistant user-add zhangsan --users-file users.txt
        """
        from assistant.auth import add_user
        from assistant.web.serve import DEFAULT_USERS_FILE

        path = users_file or load_settings(data_dir=data_dir).data_dir / DEFAULT_USERS_FILE
        add_user(path, name, password)
        typer.echo(f"已保存用户 {name} → {path}")
