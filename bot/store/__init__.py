"""The store: every SQL statement of movesbot lives in this package, behind `Store`'s methods.

Callers pass and receive plain values and `bot.records` objects, never cursors or SQL, so the engine, the
CLI and the Discord layer do not know the database is SQLite (a PostgreSQL store can take its place when the
bot runs sharded over several processes).
"""

from bot.store.sqlite import Store

__all__ = ["Store"]
