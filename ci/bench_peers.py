"""The peers ci/bench.py times beside migrate: other migration tools from the package
registries, installed by ci/install-peers.sh into one folder (default target/peers).

Each peer gets the generator's migrations written in its own layout, and says which
commands it runs for each column of the bench: `upgrade` and `downgrade` (all pending,
all applied), a no-op upgrade at head, and for `verify` its closest analogue, since none
of them checks a migration's down against its up: all up, all down, all up again from an
empty database. A column a peer cannot run (refinery has no downs) is None.

The SQL is the generator's, unchanged; Alembic's scripts pass it to op.execute one
statement at a time (Python's sqlite3 driver runs one statement per call). The generator
ends every statement with ";" at the end of a line and puts none inside a literal, which
is what the split below relies on.
"""
import os
import shutil

INSTALL = "ci/install-peers.sh"


def statements(sql):
    return [s.strip().rstrip(";") + ";" for s in sql.split(";\n") if s.strip().rstrip(";")]


def read_revisions(migrations):
    """[(ident, slug, up, down)] of a folder in migrate's layout, in order."""
    revisions = []
    for name in sorted(os.listdir(migrations)):
        ident, slug = name.split("_", 1)
        texts = []
        for file in ("up.sql", "down.sql"):
            with open(os.path.join(migrations, name, file)) as f:
                texts.append(f.read())
        revisions.append((ident, slug, *texts))
    return revisions


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Peer:
    name = ""
    binary = ""
    # What the peer runs for each column, shown under the table.
    ran = {}

    def __init__(self, peers_dir):
        self.exe = os.path.join(peers_dir, "bin", self.binary)

    def available(self):
        return os.access(self.exe, os.X_OK)

    def url(self, backend, url):
        return url

    def database(self, backend, url):
        """The URL of a fresh database as this peer takes it, made ready for it."""
        return self.url(backend, url)

    def commands(self, column):
        """The commands (argv lists run in the peer's folder, one after the other) that
        the column times, or None."""
        up, down = self.up(), self.down()
        if column in ("upgrade", "noop upgrade", "large file"):
            return [up]
        if column == "downgrade":
            return [down] if down else None
        if column == "verify":
            return self.verify(up, down)
        return None

    def verify(self, up, down):
        return [up, down, up] if down else None


class Sqlx(Peer):
    name, binary = "sqlx", "sqlx"
    ran = {"upgrade": "migrate run", "downgrade": "migrate revert --target-version 0",
           "noop upgrade": "migrate run", "verify": "run, revert --target-version 0, run",
           "large file": "migrate run"}

    def write(self, folder, revisions):
        for ident, slug, up, down in revisions:
            write(os.path.join(folder, "migrations", f"{ident}_{slug}.up.sql"), up)
            write(os.path.join(folder, "migrations", f"{ident}_{slug}.down.sql"), down)

    def url(self, backend, url):
        # Without mode=rwc sqlx will not create the file (its users run `sqlx database create`).
        return url + "?mode=rwc" if backend == "sqlite" else url

    def up(self):
        return [self.exe, "migrate", "run", "--no-dotenv", "--source", "migrations"]

    def down(self):
        return [self.exe, "migrate", "revert", "--no-dotenv", "--source", "migrations",
                "--target-version", "0"]


class Refinery(Peer):
    name, binary = "refinery", "refinery"
    ran = {"upgrade": "migrate", "downgrade": None, "noop upgrade": "migrate", "verify": None,
           "large file": "migrate"}

    def write(self, folder, revisions):
        # Versions are i32 by default: numbered, not the 14-digit ids.
        for n, (_, slug, up, _) in enumerate(revisions, 1):
            write(os.path.join(folder, "migrations", f"V{n}__{slug}.sql"), up)

    def database(self, backend, url):
        # refinery will not create the SQLite file; an empty one is an empty database.
        if backend == "sqlite":
            open(url.removeprefix("sqlite://"), "w").close()
        return url

    def up(self):
        return [self.exe, "migrate", "-e", "DATABASE_URL", "-p", "migrations"]

    def down(self):
        return None


class Diesel(Peer):
    name, binary = "diesel", "diesel"
    ran = {"upgrade": "migration run", "downgrade": "migration revert --all",
           "noop upgrade": "migration run", "verify": "migration run, migration redo --all",
           "large file": "migration run"}

    def write(self, folder, revisions):
        # diesel.toml marks the project root (else diesel looks for a Cargo.toml); empty, so
        # no schema.rs is printed after each run.
        write(os.path.join(folder, "diesel.toml"), "")
        for ident, slug, up, down in revisions:
            write(os.path.join(folder, "migrations", f"{ident}_{slug}", "up.sql"), up)
            write(os.path.join(folder, "migrations", f"{ident}_{slug}", "down.sql"), down)

    def url(self, backend, url):
        return url.removeprefix("sqlite://") if backend == "sqlite" else url

    def up(self):
        return [self.exe, "migration", "run", "--migration-dir", "migrations"]

    def down(self):
        return [self.exe, "migration", "revert", "--all", "--migration-dir", "migrations"]

    def verify(self, up, down):
        return [up, [self.exe, "migration", "redo", "--all", "--migration-dir", "migrations"]]


ALEMBIC_INI = """[alembic]
script_location = %(here)s
prepend_sys_path = %(here)s
"""

# One transaction per revision, as the others run them.
ALEMBIC_ENV = """import os

from alembic import context
from sqlalchemy import create_engine

engine = create_engine(os.environ["DATABASE_URL"])
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
"""

ALEMBIC_REVISION = """from alembic import op

revision = {revision!r}
down_revision = {down_revision!r}
UP = {up}
DOWN = {down}


def upgrade():
    for statement in UP:
        op.execute(statement)


def downgrade():
    for statement in DOWN:
        op.execute(statement)
"""

# A revision too large to hold as a Python literal reads its SQL, as a data load would.
ALEMBIC_FILE = "__import__('migrate_bench_sql').statements({file!r})"
ALEMBIC_SQL_MODULE = """import os


def statements(name):
    with open(os.path.join(os.path.dirname(__file__), "sql", name)) as f:
        return [s.strip().rstrip(";") + ";" for s in f.read().split(";\\n")
                if s.strip().rstrip(";")]
"""
ALEMBIC_INLINE_MAX = 1 << 20


class Alembic(Peer):
    name, binary = "alembic", "alembic"
    ran = {"upgrade": "upgrade head", "downgrade": "downgrade base",
           "noop upgrade": "upgrade head", "verify": "upgrade head, downgrade base, upgrade head",
           "large file": "upgrade head"}

    def __init__(self, peers_dir):
        self.exe = os.path.join(peers_dir, "alembic", "bin", "alembic")

    def write(self, folder, revisions):
        write(os.path.join(folder, "alembic.ini"), ALEMBIC_INI)
        write(os.path.join(folder, "env.py"), ALEMBIC_ENV)
        write(os.path.join(folder, "migrate_bench_sql.py"), ALEMBIC_SQL_MODULE)
        previous = None
        for ident, slug, up, down in revisions:
            texts = {}
            for kind, sql in (("up", up), ("down", down)):
                if len(sql) > ALEMBIC_INLINE_MAX:
                    name = f"{ident}_{kind}.sql"
                    write(os.path.join(folder, "sql", name), sql)
                    texts[kind] = ALEMBIC_FILE.format(file=name)
                else:
                    texts[kind] = repr(statements(sql))
            write(os.path.join(folder, "versions", f"{ident}_{slug}.py"),
                  ALEMBIC_REVISION.format(revision=ident, down_revision=previous, **texts))
            previous = ident

    def url(self, backend, url):
        if backend == "sqlite":
            return "sqlite:///" + url.removeprefix("sqlite://")
        # SQLAlchemy 2.1 would pick psycopg 3; the driver installed is psycopg2.
        return "postgresql+psycopg2://" + url.split("://", 1)[1]

    def up(self):
        return [self.exe, "-c", "alembic.ini", "upgrade", "head"]

    def down(self):
        return [self.exe, "-c", "alembic.ini", "downgrade", "base"]


PEERS = [Sqlx, Refinery, Diesel, Alembic]


def find(peers_dir):
    """(installed peers, notes on the absent ones)."""
    if not peers_dir or not os.path.isdir(peers_dir):
        return [], [f"peers: none installed (run {INSTALL}, then --peers DIR)"]
    found, notes = [], []
    for kind in PEERS:
        peer = kind(peers_dir)
        if peer.available():
            found.append(peer)
        else:
            notes.append(f"peers: {peer.name} skipped, not in {peers_dir} (run {INSTALL})")
    return found, notes


def prepare(peers, folder, migrations):
    """Writes each peer's layout into folder/peer-<name>; returns {name: that folder}."""
    revisions = read_revisions(migrations)
    places = {}
    for peer in peers:
        place = os.path.join(folder, f"peer-{peer.name}")
        shutil.rmtree(place, ignore_errors=True)
        peer.write(place, revisions)
        places[peer.name] = place
    return places


def at_head(peers, places, backend, run):
    """{name: URL of a database the peer has upgraded to head, or how that failed}, for the
    no-op column."""
    urls = {}
    for peer in peers:
        url, _ = backend.fresh(f"peer_head_{peer.name}")
        url = peer.database(backend.name, url)
        try:
            run(peer.up(), places[peer.name], env=dict(os.environ, DATABASE_URL=url))
            urls[peer.name] = url
        except PeerFailed as failure:
            urls[peer.name] = failure
    return urls


class PeerFailed(Exception):
    """A peer's command failed or ran out of time: its cell says so, the bench goes on."""


def runners(peers, places, backend, column, run, head_urls=None):
    """{name: one timed run -> (seconds, max RSS KiB)} for the peers that have the column.
    Each run starts from a fresh database (downgrade: upgraded first, untimed), except the
    no-op, which runs on the database at_head made."""
    found = {}
    for peer in peers:
        commands = peer.commands(column)
        if commands is None:
            continue

        def once(peer=peer, commands=commands, place=places[peer.name]):
            if column == "noop upgrade":
                if isinstance(head_urls[peer.name], PeerFailed):
                    raise head_urls[peer.name]
                env = dict(os.environ, DATABASE_URL=head_urls[peer.name])
            else:
                url, _ = backend.fresh(f"peer_{peer.name}")
                env = dict(os.environ, DATABASE_URL=peer.database(backend.name, url))
                if column == "downgrade":
                    run(peer.up(), place, env=env)
            timed = [run(command, place, env=env) for command in commands]
            return sum(t for t, _ in timed), max(rss for _, rss in timed)

        found[peer.name] = once
    return found
