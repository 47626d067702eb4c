"""The store: every SQL statement of movesbot lives in this package, behind `Store`'s methods.

Callers pass and receive plain values and `bot.records` objects, never cursors or SQL, so the engine, the CLI and the
Discord layer do not know which database is behind it: a SQLite file (the default) or a PostgreSQL server (when the
bot runs as several processes). `bot/store/DESIGN.md` says where each part lives.
"""

from bot.store.base import Store, is_url
from bot.store.moves import MoveExists, UnknownMove

__all__ = ["MoveExists", "Store", "UnknownMove", "is_url"]
