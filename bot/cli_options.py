"""Command-line options shared by every command group (`movesbot`, `feeds`, `candidates`, `digest`)."""

from typing import Annotated

import typer

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLite database file, or a postgresql://user@host:port/db URL (default: MOVESBOT_DB).")]
