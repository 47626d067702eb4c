"""A throwaway PostgreSQL server for the tests: its own data folder, port and unix socket, listening on 127.0.0.1
only, started from Debian's binaries (or PATH) and removed at the end, so a test never depends on (or disturbs) a
server someone else runs, such as the cluster Debian's package may start on port 5432."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")

DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
INSTALL_HINT = ("`make test` installs it (Debian's postgresql-15 package, with apt-get), or put PostgreSQL's bin "
                "folder (initdb, postgres) on PATH")
# Durability is pointless for a server deleted at the end of the run; these make initdb's cluster and writes cheap.
SPEED_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
SERVER_USER = "postgres"  # initdb and postgres refuse to run as root: as root they run as this user
ADMIN = "postgres"  # the bootstrap superuser, reached over the unix socket only
USER = "movesbot"  # the tests' role: trusted on 127.0.0.1, owner of each fresh database
PASSWORD_USER = "movesbot_pw"  # the one role that must give a password, for refused-login tests
PASSWORD = "movesbot-test-password"
PREFIX = "movesbot-pg-"  # each server's folder: PREFIX + random, under temp_base()
START_TIMEOUT = 30.0  # seconds; it takes well under one
OWNER_FILE = "owner.pid"  # the test process that started the server, to reap servers whose session died
HBA = f"""\
local all all trust
host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
"""


class PgServerError(RuntimeError):
    """The server could not be found or started; the message says why and what to do."""


def find_bindir(pattern: str = DEBIAN_BINDIRS, path: str | None = None) -> Path | None:
    """The bin folder of the newest version under `pattern` (Debian keeps one per major version), else the one
    PATH's `initdb` lives in; None when neither has both initdb and postgres."""
    def version(folder: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(folder).parent.name))

    for folder in sorted(glob.glob(pattern), key=version, reverse=True):
        if _has_binaries(Path(folder)):
            return Path(folder)
    initdb = shutil.which("initdb", path=path)
    if initdb is None:
        return None
    for folder in (Path(initdb).parent, Path(initdb).resolve().parent):  # /usr/local/bin/initdb may be a link
        if _has_binaries(folder):
            return folder
    return None


def _has_binaries(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in ("initdb", "postgres"))


def temp_base() -> Path:
    """/dev/shm when it is a writable RAM folder with room: on this machine's disk, even with fsync off, CREATE
    DATABASE takes about ten times longer (bench/pg_create_db.py). Else the system's temp folder."""
    shm = Path("/dev/shm")
    try:
        room = os.statvfs(shm)
    except OSError:
        return Path(tempfile.gettempdir())
    roomy = room.f_bavail * room.f_frsize >= 512 * 2**20
    return shm if roomy and os.access(shm, os.W_OK | os.X_OK) else Path(tempfile.gettempdir())


def reap_orphans(base: Path) -> None:
    """Stop and remove the servers of test sessions that died without stopping theirs (killed by a timeout, say):
    a folder whose owner process is gone. Other live sessions' servers are left alone."""
    for root in base.glob(f"{PREFIX}*"):
        try:
            owner = int((root / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        postmaster = _postmaster_pid(root / "data")
        if postmaster is not None and _runs_in(postmaster, root / "data"):
            with contextlib.suppress(OSError):
                os.kill(postmaster, signal.SIGQUIT)
        shutil.rmtree(root, ignore_errors=True)


def _runs_in(pid: int, data_dir: Path) -> bool:
    """True if `pid` is a postgres serving `data_dir`: a stale postmaster.pid may name some other process now."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return os.fsencode(data_dir) in arguments


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def free_port() -> int:
    """A TCP port nobody listens on right now on 127.0.0.1 (the server retries if another process takes it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to its end on a loop of its own, in a thread: callers may be sync fixtures or code already inside
    a running loop, and asyncio.run in this thread would unset the loop pytest-asyncio installed."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class PgServer:
    """One PostgreSQL server in a temp folder: `start()`, then `create_database()`/`url()`, then `stop()`."""

    def __init__(self, bindir: Path | None = None, *, base: Path | None = None,
                 settings: Mapping[str, str] | None = None) -> None:
        self.bindir = bindir if bindir is not None else find_bindir()
        self.base = base if base is not None else temp_base()
        self.settings = {**SPEED_SETTINGS, **(settings or {})}
        self.port = 0
        self.root: Path | None = None
        self.start_seconds = 0.0  # how long start() took, initdb included
        self._proc: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)

    @property
    def data_dir(self) -> Path:
        return self._root / "data"

    @property
    def socket_dir(self) -> Path:
        return self._root / "socket"

    @property
    def log_path(self) -> Path:
        return self._root / "server.log"

    @property
    def _root(self) -> Path:
        if self.root is None:
            raise PgServerError("the PostgreSQL server is not started")
        return self.root

    # -- starting and stopping --------------------------------------------------------------------------------------

    def start(self) -> PgServer:
        """initdb a new cluster, start it on a free port and create the tests' roles; on failure, clean up and
        raise PgServerError with the server log's tail."""
        began = time.perf_counter()
        bindir = self._binaries()
        reap_orphans(self.base)
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.base))
        try:
            (self.root / OWNER_FILE).write_text(str(os.getpid()))
            self.socket_dir.mkdir()
            self._give_to_server_user(self.root, self.socket_dir)
            self._run_tool([str(bindir / "initdb"), "-D", str(self.data_dir), "--no-sync", "--auth=trust",
                            f"--username={ADMIN}", "--encoding=UTF8", "--locale=C.UTF-8"], "initdb")
            (self.data_dir / "pg_hba.conf").write_text(HBA)
            self._launch(bindir)
            run_sync(self._create_roles())
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Stop the server at once (immediate shutdown: its data is thrown away) and remove its folder."""
        if self._proc is not None:
            self._terminate(self._proc)
            self._proc = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _binaries(self) -> Path:
        if self.bindir is None:
            raise PgServerError(f"PostgreSQL's server binaries (initdb, postgres) are not installed: no "
                                f"{DEBIAN_BINDIRS} and no initdb on PATH. {INSTALL_HINT}.")
        if not _has_binaries(self.bindir):
            raise PgServerError(f"{self.bindir} has no initdb or postgres program. {INSTALL_HINT}.")
        return self.bindir

    def _as_server_user(self, command: Sequence[str]) -> list[str]:
        return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else list(command)

    def _give_to_server_user(self, *folders: Path) -> None:
        """As root, hand the folders to the server's user: postgres wants to own its data and socket folders."""
        if os.geteuid() != 0:
            return
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PgServerError(f"running as root, but there is no {SERVER_USER!r} user to run PostgreSQL as "
                                f"(initdb refuses root; Debian's postgresql package creates that user)") from None
        for folder in folders:
            os.chown(folder, account.pw_uid, account.pw_gid)
            folder.chmod(0o700)

    def _run_tool(self, command: Sequence[str], what: str) -> None:
        done = subprocess.run(self._as_server_user(command), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PgServerError(f"{what} failed (exit {done.returncode}):\n{_tail(done.stdout + done.stderr)}")

    def _launch(self, bindir: Path, attempts: int = 3) -> None:
        """Start postgres on a free port (another one if that port got taken meanwhile) and wait until it is ready."""
        for attempt in range(attempts):
            self.port = free_port()
            options = {**self.settings, "listen_addresses": "127.0.0.1", "port": str(self.port),
                       "unix_socket_directories": str(self.socket_dir)}
            command = [str(bindir / "postgres"), "-D", str(self.data_dir)]
            command += [arg for key, value in options.items() for arg in ("-c", f"{key}={value}")]
            with self.log_path.open("ab") as log:
                self._proc = subprocess.Popen(self._as_server_user(command), stdin=subprocess.DEVNULL, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_ready(self._proc):
                return
            self._terminate(self._proc)
            self._proc = None
            log_text = self.log_path.read_text(errors="replace")
            if "could not bind" not in log_text or attempt == attempts - 1:
                raise PgServerError(f"the PostgreSQL server did not start (log {self.log_path}):\n{_tail(log_text)}")

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> bool:
        """True once postmaster.pid says "ready" (what pg_ctl -w waits for); False if the server exits first or
        takes longer than START_TIMEOUT."""
        deadline = time.monotonic() + START_TIMEOUT
        pid_file = self.data_dir / "postmaster.pid"
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                lines = pid_file.read_text().splitlines()
            except FileNotFoundError:
                lines = []
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return True
            time.sleep(0.01)
        return False

    def _terminate(self, proc: subprocess.Popen[bytes]) -> None:
        """Immediate shutdown (SIGQUIT) of the postmaster itself: signalling runuser, its parent as root, would
        make it wait 2 s before passing the signal on."""
        postmaster = _postmaster_pid(self.data_dir)
        try:
            if postmaster is not None:
                os.kill(postmaster, signal.SIGQUIT)
            elif proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # -- roles and databases ----------------------------------------------------------------------------------------

    async def _create_roles(self) -> None:
        async with self.admin() as conn:
            await conn.execute(f"CREATE ROLE {USER} LOGIN CREATEDB")
            await conn.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")

    @contextlib.asynccontextmanager
    async def admin(self) -> AsyncIterator[asyncpg.Connection]:
        """`async with server.admin() as conn`: a superuser connection over the unix socket."""
        conn = await asyncpg.connect(host=str(self.socket_dir), port=self.port, user=ADMIN, database="postgres")
        try:
            yield conn
        finally:
            await conn.close()

    def url(self, database: str) -> str:
        """The URL the tests' role (trusted: no password) reaches `database` by, over TCP on 127.0.0.1."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str = "template0") -> str:
        """A new database owned by the tests' role, a copy of `template` (empty by default: a loaded one saves each
        test a load); its name. FILE_COPY measured fastest: about 8 ms in RAM against 10 for WAL_LOG (PostgreSQL
        15's default); an empty template of our own gains nothing (bench/pg_create_db.py)."""
        name = f"test_{next(self._names)}"
        run_sync(self._execute(f'CREATE DATABASE "{name}" OWNER {USER} TEMPLATE "{template}" STRATEGY FILE_COPY'))
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, closing whatever connections a test left open to it."""
        run_sync(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    async def _execute(self, sql: str) -> None:
        async with self.admin() as conn:
            await conn.execute(sql)


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
