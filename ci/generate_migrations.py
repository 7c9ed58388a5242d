#!/usr/bin/env python3
"""Writes N realistic migrations in migrate's layout, valid on SQLite and PostgreSQL.

    ci/generate_migrations.py N DIR
    ci/generate_migrations.py --large N DIR

A deterministic mix, each with a down that undoes it: CREATE TABLE with 5-10 columns and
constraints (some referencing earlier tables), ADD COLUMN, CREATE INDEX, a few INSERTs,
CREATE VIEW. Used by ci/bench.py; run it by hand to get a large history to try things on.

With --large, one revision instead: a table, then N single-row INSERTs into it, one per
line of about 185 bytes (a data migration or a dump), with a down that drops the table.
"""
import os
import random
import sys

TYPES = ["INTEGER", "TEXT", "BOOLEAN", "DATE", "NUMERIC(10, 2)", "TIMESTAMP"]
DEFAULTS = {"INTEGER": "0", "TEXT": "''", "BOOLEAN": "FALSE", "DATE": "'2024-01-01'",
            "NUMERIC(10, 2)": "0", "TIMESTAMP": "CURRENT_TIMESTAMP"}
VALUES = {"INTEGER": "{n}", "TEXT": "'v{n}'", "BOOLEAN": "TRUE", "DATE": "'2024-02-0{d}'",
          "NUMERIC(10, 2)": "{n}.50", "TIMESTAMP": "'2024-03-01 10:00:00'"}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.tables = []  # (name, [(column, type)]) of tables that exist at this point
        self.extra_columns = 0
        self.indexes = 0
        self.views = 0

    def create_table(self, n):
        name = f"t{n:05d}"
        count = self.rng.randint(5, 10)
        columns = [("id", "INTEGER")]
        lines = ["    id INTEGER PRIMARY KEY"]
        for c in range(1, count):
            kind = self.rng.choice(TYPES)
            column = f"c{c}"
            not_null = self.rng.random() < 0.5
            default = f" DEFAULT {DEFAULTS[kind]}" if not_null else ""
            line = f"    {column} {kind}{' NOT NULL' if not_null else ''}{default}"
            if kind == "INTEGER" and self.rng.random() < 0.3:
                line += f" CHECK ({column} >= 0)"
            columns.append((column, kind))
            lines.append(line)
        if self.tables and self.rng.random() < 0.6:
            parent = self.rng.choice(self.tables)[0]
            lines.append(f"    parent_id INTEGER REFERENCES {parent} (id) ON DELETE CASCADE")
            columns.append(("parent_id", "INTEGER"))
        if self.rng.random() < 0.3:
            lines.append("    UNIQUE (c1, id)")
        up = f"CREATE TABLE {name} (\n" + ",\n".join(lines) + "\n);\n"
        self.tables.append((name, columns))
        return f"create_{name}", up, f"DROP TABLE {name};\n"

    def add_column(self, n):
        name, columns = self.rng.choice(self.tables)
        self.extra_columns += 1
        column = f"x{self.extra_columns}"
        up = f"ALTER TABLE {name} ADD COLUMN {column} TEXT NOT NULL DEFAULT 'none';\n"
        return f"add_{column}_to_{name}", up, f"ALTER TABLE {name} DROP COLUMN {column};\n"

    def create_index(self, n):
        name, columns = self.rng.choice(self.tables)
        self.indexes += 1
        picked = self.rng.sample([c for c, _ in columns if c.startswith("c")], k=1)
        index = f"i{self.indexes:05d}_{name}"
        unique = "UNIQUE " if self.rng.random() < 0.2 else ""
        if unique:
            picked.append("id")
        up = f"CREATE {unique}INDEX {index} ON {name} ({', '.join(picked)});\n"
        return f"index_{name}", up, f"DROP INDEX {index};\n"

    def insert_rows(self, n):
        name, columns = self.rng.choice(self.tables)
        plain = [(c, k) for c, k in columns if c != "parent_id"]
        rows = []
        base = n * 10
        for r in range(self.rng.randint(2, 4)):
            values = [str(base + r) if c == "id" else VALUES[k].format(n=base + r, d=r + 1) for c, k in plain]
            rows.append(f"    ({', '.join(values)})")
        names = ", ".join(c for c, _ in plain)
        up = f"INSERT INTO {name} ({names}) VALUES\n" + ",\n".join(rows) + ";\n"
        down = f"DELETE FROM {name} WHERE id >= {base} AND id < {base + 10};\n"
        return f"seed_{name}", up, down

    def create_view(self, n):
        name, columns = self.rng.choice(self.tables)
        self.views += 1
        view = f"v{self.views:05d}_{name}"
        picked = ", ".join(c for c, _ in columns[:4])
        up = f"CREATE VIEW {view} AS\n    SELECT {picked}\n      FROM {name}\n     WHERE id > 0;\n"
        return f"view_{name}", up, f"DROP VIEW {view};\n"

    def next(self, n):
        if len(self.tables) < 3:
            return self.create_table(n)
        roll = self.rng.random()
        if roll < 0.35:
            return self.create_table(n)
        if roll < 0.55:
            return self.add_column(n)
        if roll < 0.75:
            return self.create_index(n)
        if roll < 0.90:
            return self.insert_rows(n)
        return self.create_view(n)


LARGE_TABLE = """CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
"""
KINDS = ["signup", "login", "logout", "purchase", "refund", "comment"]


def large(count, out):
    """One revision of `count` single-row INSERTs, each line about 185 bytes."""
    rng = random.Random(count)
    folder = os.path.join(out, "20200000000100_load_events")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "up.sql"), "w") as f:
        f.write(LARGE_TABLE)
        for n in range(1, count + 1):
            payload = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(70))
            f.write(f"INSERT INTO events (id, kind, user_id, payload, created_at) VALUES "
                    f"({n}, '{rng.choice(KINDS)}', {rng.randint(1, 99999)}, '{payload}', "
                    f"'2024-03-{n % 28 + 1:02d} {n % 24:02d}:{n % 60:02d}:00');\n")
    with open(os.path.join(folder, "down.sql"), "w") as f:
        f.write("DROP TABLE events;\n")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--large"] and len(args) == 3:
        large(int(args[1]), args[2])
        return
    if len(args) != 2:
        sys.exit(__doc__)
    count, out = int(args[0]), args[1]
    os.makedirs(out, exist_ok=True)
    generator = Generator(seed=count)
    for n in range(1, count + 1):
        slug, up, down = generator.next(n)
        # 14-digit ids that sort like `migrate create`'s timestamps.
        ident = f"{20200000000000 + n * 100:014d}"
        folder = os.path.join(out, f"{ident}_{slug}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "up.sql"), "w") as f:
            f.write(up)
        with open(os.path.join(folder, "down.sql"), "w") as f:
            f.write(down)


if __name__ == "__main__":
    main()
