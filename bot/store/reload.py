"""What a dataset load records of the files it read (their chunks' digests and ids: bot/dataset_reload.py), so that
the next load reads only what changed; and the checks that such a load makes against the recorded moves (mixed into
`Store`, same SQL on both backends)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bot.dataset import DatasetReader
from bot.dataset_chunks import FileChunks, read_chunks
from bot.dataset_reload import (
    BIG,
    SMALL,
    ChunkState,
    Reload,
    chunk_ids,
    names_json,
    small_digests,
    state_version,
)
from bot.store.columns import chunks
from bot.text import fold

_KEY = "dataset_chunks"
_COLUMNS = ("file", "digest", "ids")
_NAMES = "names"  # the small files' spellings (`names_json`)


class StaleReload(Exception):
    """The record changed between planning a load and taking the write lock, or the rows read repeat a move on
    record under another id: the load reads everything instead (and words the error, if there is one)."""


class Reloading:
    """`reload_state` before a load; `_record_chunks` and `_same_moves` within it. `Store` provides `_db` and
    `_write_rows`."""

    _db: Any
    _write_rows: Callable[..., Any]
    schema_version: Callable[[], Awaitable[int]]

    async def reload_state(self) -> tuple[ChunkState | None, tuple[str, frozenset[str]]]:
        """What the last load recorded of the files (None: nothing; read everything) and a token of what says it
        still holds (the record's key, and the moves that other paths than a load changed since): `plan` the next
        load with both (bot.dataset_reload), and the load checks the token again under the write lock."""
        token = await self._token(self._db)
        if not token[0]:
            return None, token
        info = json.loads(token[0])
        if info.get("schema") != await self.schema_version():  # (a migration may have rewritten moves)
            return None, token
        small: dict[str, str] = {}
        names = ""
        found: dict[str, dict[str, list[str]]] = {name: {} for name in BIG}
        for file, digest, ids in await self._db.execute_fetchall("SELECT file, digest, ids FROM dataset_chunks"):
            if file in SMALL:
                small[file] = digest
            elif file == _NAMES:
                names = ids
            elif file in found:
                found[file][digest] = ids.split("\n") if ids else []
        return ChunkState(info["version"], info["seq"], small, found, names), token

    @staticmethod
    async def _token(db: Any) -> tuple[str, frozenset[str]]:
        raw = await db.execute_fetchall("SELECT value FROM meta WHERE key = ?", (_KEY,))
        if not raw:
            return "", frozenset()
        touched = await db.execute_fetchall("SELECT DISTINCT move_id FROM move_events WHERE seq > ?"
                                            " AND origin <> 'dataset'", (json.loads(raw[0][0])["seq"],))
        return raw[0][0], frozenset(r[0] for r in touched)

    async def _check_token(self, db: Any, reload: Reload) -> None:
        if await self._token(db) != reload.token:
            raise StaleReload("the record changed since the load was planned")

    async def _same_moves(self, db: Any, reload: Reload) -> None:
        """`StaleReload` if a staged move is, under another id, a move of a chunk not read (same person, orgs and
        date): the reader checks that within the rows it reads; the rest of the dataset is on record as it was."""
        rows = await db.execute_fetchall(
            "SELECT n.id, m.id, pn.name, pm.name FROM temp.load_moves n"
            " JOIN moves m ON m.from_org_id = n.from_org_id AND m.date = n.date AND m.to_org_id IS n.to_org_id"
            " JOIN people pn ON pn.id = n.person_id JOIN people pm ON pm.id = m.person_id WHERE m.id <> n.id")
        kept = reload.clean.get("moves.csv", {})
        for _, other, person, other_person in rows:
            if other in kept and other not in reload.ids and fold(person) == fold(other_person):
                raise StaleReload(f"a row read repeats move {other}")

    async def _record_chunks(self, db: Any, reader: DatasetReader, reload: Reload | None,
                             cutting: asyncio.Future | None) -> None:
        """Record the chunks this load read (all of them on a full load), for the next load to skip."""
        if reload is None:
            files = await cutting if cutting is not None else None
            await db.execute("DELETE FROM dataset_chunks")
            await db.execute("DELETE FROM meta WHERE key = ?", (_KEY,))
            if files is None:
                return
            read: dict[str, Sequence[int] | None] = {name: None for name in BIG}
            rows = [(name, digest, "") for name, digest in files.pop("small").items()]  # type: ignore[union-attr]
            rows.append((_NAMES, "", names_json(reader)))
        else:
            files, read = reload.files, {name: sorted(reload.rows[name]) for name in BIG}
            stale = [(name, d) for name in BIG for d in reload.gone[name]]
            stale += [(name, files[name].digests[i]) for name in BIG for i in read[name]]  # type: ignore[union-attr]
            for part in chunks(stale):
                await db.executemany("DELETE FROM dataset_chunks WHERE file = ? AND digest = ?", part)
            rows = []
        if rows:
            await self._write_rows(db, "dataset_chunks", _COLUMNS, rows)
        for name in BIG:  # one file at a time: a million moves' ids twice over come at the load's peak of memory
            chunked: FileChunks = files[name]  # type: ignore[assignment]
            lines, ids = ((reader.move_lines.values(), list(reader.move_lines)) if name == "moves.csv"
                          else reader.source_runs)
            seen: set[str] = set()
            rows = []
            for i, of_chunk in chunk_ids(chunked, lines, ids, only=read[name]).items():
                digest = chunked.digests[i]
                if digest not in seen:  # (two chunks alike: blank lines; the second is read each time)
                    seen.add(digest)
                    rows.append((name, digest, "\n".join(of_chunk)))
            del lines, ids
            if rows:
                await self._write_rows(db, "dataset_chunks", _COLUMNS, rows)
        seq = (await db.execute_fetchall("SELECT coalesce(max(seq), 0) FROM move_events"))[0][0]
        schema = (await db.execute_fetchall("SELECT max(version) FROM schema_migrations"))[0][0]
        await db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (_KEY, json.dumps({"version": state_version(), "schema": schema, "seq": seq,
                                            "load": os.urandom(8).hex()})))


def cut_files(data_dir: Path) -> dict[str, Any] | None:
    """Every chunk of the big files and the small files' digests (a full load records them all); None when a file
    cannot be cut (the next load reads everything)."""
    out: dict[str, Any] = {"small": small_digests(Path(data_dir))}
    if out["small"] is None:
        return None
    for name in BIG:
        try:
            found = read_chunks(Path(data_dir) / name)
        except OSError:
            return None
        if found is None:
            return None
        out[name] = found
    return out
