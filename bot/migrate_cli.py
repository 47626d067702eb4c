"""`movesbot migrate-db --from FILE --to URL`: move a SQLite record to PostgreSQL (README, "Scaling")."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from tqdm import tqdm

from bot.cli import _run_with_dataset
from bot.store.errors import shown


class _Bars:
    """One progress bar per table on stderr (none when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None
        self.table = ""

    def __call__(self, table: str, rows: int, total: int) -> None:
        from bot.store.transfer import REBUILD

        if table != self.table:
            self.close()
            self.table = table
            self.bar = tqdm(total=total, desc=table, unit=" statements" if table == REBUILD else " rows",
                            file=sys.stderr, leave=False, disable=not sys.stderr.isatty())
        assert self.bar is not None
        self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def migrate_db(source: Annotated[str, typer.Option("--from", help="The SQLite database file to copy.")],
               target: Annotated[str, typer.Option(
                   "--to", help="An empty PostgreSQL database: postgresql://user:password@host:5432/database.")],
               ) -> None:
    """Copy a SQLite database into an empty PostgreSQL one, everything kept (ids, alerts sent, history), in one
    transaction: a failure leaves the target without a row."""
    from bot.store.transfer import migrate_sqlite_to_postgres

    bars = _Bars()

    async def go() -> dict[str, int]:
        try:
            return await migrate_sqlite_to_postgres(source, target, progress=bars)
        finally:
            bars.close()

    counts = _run_with_dataset(go(), target)  # (a StoreError names the database it is about, source or target)
    width = max(map(len, counts), default=0)
    for table, rows in counts.items():
        typer.echo(f"  {table:<{width}}  {rows:>9,}")
    typer.echo(f"Copied {source} into {shown(target)}: {sum(counts.values()):,} rows in {len(counts)} tables, ids "
               f"kept. Point the bot at it with MOVESBOT_DB={shown(target)}.")
