#!/usr/bin/env python3
"""Benchmarks migrate beside the raw floor measured in the same run.

    ci/bench.py [--sizes 100,1000,10000] [--large 400000] [--reps 3] [--binary target/release/migrate]

Without --binary it first builds what it measures (cargo build --release --bin migrate
--example noop_floor), so the numbers are those of the code as it stands.

For each size N it generates N migrations (ci/generate_migrations.py) and measures, on a
SQLite file and (when MIGRATE_BENCH_POSTGRES_URL or MIGRATE_TEST_POSTGRES_URL names a
server) on a fresh PostgreSQL database:
  - upgrade base -> head and downgrade head -> base, beside the same SQL through
    sqlite3 / psql, one transaction per migration;
  - a no-op upgrade and `check` at head (what every app start and CI job pays), beside
    what they cannot do without: examples/noop_floor, plain Rust that reads each
    folder's up.sql and down.sql and the tracking rows, and nothing else;
  - peak memory (max RSS) of every command;
  - with --large, one revision of N single-row INSERTs applied by `upgrade`, beside the
    same file through sqlite3 / psql in one transaction (ci/bench_large.py);
  - with --verify-data, `verify --data` (seeded rows checked around every revision) beside
    plain `verify` of the same history as its floor: the ratio is what --data costs
    (target <= 2x), e.g. `ci/bench.py --sizes 200 --large "" --verify-data`.
It prints a table (wall time, per-migration overhead, ratio to the floor, max RSS,
PASS/MISS against the targets) and writes the same as JSON to target/bench/.
Timings are medians of --reps runs, ours and the floor's taken by turns; the ratio is the
median of the ratios within each pair. The ratio, not the seconds, is what to compare.
Every timed command starts with nothing left to write (ci/bench_run.py's settle: `sync`,
and a CHECKPOINT on the server), so that none pays for what another wrote.

With the peers installed (ci/install-peers.sh; --peers, default target/peers) it times
sqlx, refinery, diesel and Alembic in the same turns on the same migrations, each in its
own layout (ci/bench_peers.py), and prints a second table: each column beside the floor
and the best peer (--markdown: as the README's tables). An absent peer is skipped with a
note; one whose command fails or outlasts --peer-timeout gets that in its cell.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import bench_large
import bench_peers
import bench_table
from bench_run import GNU_TIME, PEER_TIMEOUT, SERVER, harness_seconds, paired_runs, run, run_peer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def script(folder, names, file, name):
    """One transaction per migration, as migrate runs them."""
    with open(os.path.join(folder, name), "w") as out:
        for revision in names:
            out.write("BEGIN;\n")
            with open(os.path.join(folder, "migrations", revision, file)) as f:
                out.write(f.read())
            out.write("\nCOMMIT;\n")
    return os.path.join(folder, name)


class Backend:
    def __init__(self, name, folder):
        self.name, self.folder = name, folder


class Sqlite(Backend):
    def __init__(self, folder):
        super().__init__("sqlite", folder)

    def fresh(self, label):
        path = os.path.join(self.folder, f"{label}.db")
        for suffix in ("", "-journal", "-wal", "-shm", ".migrate-lock"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return f"sqlite://{path}", ["sqlite3", "-bail", path]


# Every client talks to the server the same way, without TLS: the peers are built without
# it and noop_floor connects without it, where ours and psql would otherwise take TLS when
# the server offers it (2-3 ms of a no-op's connection on loopback).
PLAIN = "sslmode=disable"


class Postgres(Backend):
    def __init__(self, folder, server):
        super().__init__("postgres", folder)
        self.server = server
        self.count = 0
        self.created = []

    def cleanup(self):
        quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        for name in self.created:
            subprocess.run(["psql", "-q", self.server, "-c", f'DROP DATABASE IF EXISTS "{name}"'],
                           stdout=subprocess.DEVNULL, env=quiet)

    def fresh(self, label):
        self.count += 1
        name = f"bench_{label}_{os.getpid()}_{self.count}"
        self.created.append(name)
        quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        subprocess.run(["psql", "-q", self.server, "-c", f'DROP DATABASE IF EXISTS "{name}"',
                        "-c", f'CREATE DATABASE "{name}"'], check=True, stdout=subprocess.DEVNULL, env=quiet)
        url = f"{self.server.split('?')[0].rsplit('/', 1)[0]}/{name}?{PLAIN}"
        return url, ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-X", url]

    def scratch_server(self):
        """The server verify makes its scratch databases on, over the same transport."""
        return f"{self.server.split('?')[0]}?{PLAIN}"


def measure(backend, binary, floor_binary, folder, names, reps, verify_max, peers=((), {}),
            verify_data=False):
    """The rows of one size on one backend; peers is (the installed peers, {name: the
    folder holding its layout}) as bench_peers.prepare wrote them."""
    up_sql = script(folder, names, "up.sql", "all_up.sql")
    down_sql = script(folder, list(reversed(names)), "down.sql", "all_down.sql")
    # A no-op run answers from the directory an earlier run remembered (README:
    # "Remembered directories"); the bench keeps those files beside its own.
    env = dict(os.environ, MIGRATE_CACHE_DIR=os.path.join(folder, ".cache"))

    def ours(args, url):
        env["DATABASE_URL"] = url
        return run([binary, *args], folder, env=env)

    def floor_up():
        _, client = backend.fresh("floor")
        return run(client, folder, stdin=up_sql)

    def floor_down():
        _, client = backend.fresh("floor")
        run(client, folder, stdin=up_sql)
        return run(client, folder, stdin=down_sql)

    def ours_up():
        url, _ = backend.fresh("ours")
        return ours(["upgrade"], url)

    def ours_down():
        url, _ = backend.fresh("ours")
        ours(["upgrade"], url)
        return ours(["downgrade", "base"], url)

    verify_sql = os.path.join(folder, "all_verify.sql")
    with open(verify_sql, "w") as out:
        if backend.name == "sqlite":
            # verify's scratch databases skip fsync; so does its floor.
            out.write("PRAGMA synchronous = OFF;\nPRAGMA journal_mode = MEMORY;\n")
        for revision in names:
            for file in ("up.sql", "down.sql", "up.sql"):
                out.write("BEGIN;\n")
                with open(os.path.join(folder, "migrations", revision, file)) as f:
                    out.write(f.read())
                out.write("\nCOMMIT;\n")

    def floor_verify():
        _, client = backend.fresh("floor")
        return run(client, folder, stdin=verify_sql)

    def ours_verify(*extra):
        args = ["verify", "--backend", backend.name, *extra]
        if backend.name == "postgres":
            args += ["--postgres-url", backend.scratch_server()]
        return ours(args, "sqlite::memory:")

    at_head, _ = backend.fresh("head")
    ours(["upgrade"], at_head)

    def floor_noop():
        return run([floor_binary, "migrations", at_head], folder)

    # A no-op run takes milliseconds: more pairs cost little and steady the median.
    noop_reps = reps * NOOP_REPS_FACTOR

    installed, places = peers
    head_urls = bench_peers.at_head(installed, places, backend, run_peer)

    def beside(column):
        return bench_peers.runners(installed, places, backend, column, run_peer, head_urls)

    rows = {}
    rows["upgrade"] = paired_runs(reps, ours_up, floor_up, beside("upgrade"))
    rows["downgrade"] = paired_runs(reps, ours_down, floor_down, beside("downgrade"))
    rows["noop upgrade"] = paired_runs(noop_reps, lambda: ours(["upgrade"], at_head), floor_noop,
                                       beside("noop upgrade"))
    rows["check"] = paired_runs(noop_reps, lambda: ours(["check"], at_head), floor_noop)
    if len(names) <= verify_max:
        # As many turns as the other columns: with two, one slow turn of a noisy machine
        # was half the median (1.92x its floor in one run, 1.06x in the next).
        rows["verify"] = paired_runs(reps, ours_verify, floor_verify, beside("verify"))
        if verify_data:
            rows["verify --data"] = paired_runs(reps, lambda: ours_verify("--data"), ours_verify)
    return rows


TARGET_RATIO = 1.10
TARGET_VERIFY_RATIO = 1.5
TARGET_VERIFY_DATA_RATIO = 2.0
# Issue 22: a no-op at 1,000 revisions on SQLite within 10 ms (it was 20), the command's
# own time: what the harness adds to every run (HARNESS_SECONDS, measured at the start)
# is taken off before judging, and printed.
TARGET_NOOP_MS = 10.0
HARNESS_SECONDS = [0.0]
NOOP_REPS_FACTOR = 7
TARGET_RSS_KIB = 64 * 1024


NOOP_COMMANDS = ("noop upgrade", "check")


def verdicts(backend, size, command, ours, floor, ratio):
    """The no-op commands have a target in milliseconds (on SQLite; their floor is shown
    for context: what reading the files and the rows costs on this machine today); the
    others a ratio to their floor."""
    checks = []
    if command == "verify --data":
        # Its floor is plain verify: the target holds at any size.
        checks.append(ratio <= TARGET_VERIFY_DATA_RATIO)
    elif command in NOOP_COMMANDS:
        if backend == "sqlite" and size == 1000:
            checks.append((ours[0] - HARNESS_SECONDS[0]) * 1000 <= TARGET_NOOP_MS)
    elif floor is not None and size >= 1000:
        limit = TARGET_VERIFY_RATIO if command == "verify" else TARGET_RATIO
        checks.append(ratio <= limit)
    if size >= 10000:
        checks.append(ours[1] <= TARGET_RSS_KIB)
    if not checks:
        return "-"
    return "PASS" if all(checks) else "MISS"


def chosen(args, backends):
    """The backends --backends names, of those at hand."""
    names = {name.strip() for name in args.backends.split(",")}
    return [backend for backend in backends if backend.name in names]


def bench_size(args, server, peers, size, report, lines):
    """N generated migrations on each backend: ours, the floor and the peers by turns."""
    folder = tempfile.mkdtemp(prefix=f"migrate-bench-{size}-")
    migrations = os.path.join(folder, "migrations")
    subprocess.run([sys.executable, os.path.join(ROOT, "ci", "generate_migrations.py"), str(size),
                    migrations], check=True)
    names = sorted(os.listdir(migrations))
    places = bench_peers.prepare(peers, folder, migrations)
    backends = chosen(args, [Sqlite(folder)] + ([Postgres(folder, server)] if server else []))
    reps = 1 if size >= 10000 else args.reps
    for backend in backends:
        rows = measure(backend, args.binary, args.floor, folder, names, reps, args.verify_max,
                       (peers, places), args.verify_data)
        if isinstance(backend, Postgres):
            backend.cleanup()
        for command, (ours, floor, ratio, beside) in rows.items():
            overhead = (ours[0] - floor[0]) * 1000 / size if floor else None
            verdict = verdicts(backend.name, size, command, ours, floor, ratio)
            report["results"].append({
                "backend": backend.name, "n": size, "command": command,
                "seconds": ours[0], "floor_seconds": floor[0] if floor else None,
                "overhead_ms_per_migration": overhead, "ratio": ratio,
                "max_rss_kib": ours[1], "target": verdict, "peers": beside,
            })
            lines.append(
                f"{backend.name:<9} {size:>6} {command:<13} {ours[0]:>9.3f} "
                f"{(f'{floor[0]:.3f}' if floor else '-'):>9} "
                f"{(f'{overhead:.3f}' if overhead is not None else '-'):>8} "
                f"{(f'{ratio:.2f}' if ratio else '-'):>6} {ours[1] / 1024:>7.1f}Mi  {verdict}")
    shutil.rmtree(folder)


def bench_large_file(args, server, peers, count, report, lines):
    """One revision of `count` INSERTs on each backend: ours, the floor and the peers."""
    folder, file_bytes, floor_sql = bench_large.generate(count)
    places = bench_peers.prepare(peers, folder, os.path.join(folder, "migrations"))
    for backend in chosen(args, [Sqlite(folder)] + ([Postgres(folder, server)] if server else [])):
        beside = bench_peers.runners(peers, places, backend, "large file", run_peer)
        ours, floor, ratio, stats = bench_large.measure(backend, args.binary, folder, floor_sql,
                                                        min(args.reps, 3), run,
                                                        lambda *a: paired_runs(*a, beside))
        if isinstance(backend, Postgres):
            backend.cleanup()
        text, record = bench_large.line(backend.name, count, file_bytes, ours, floor, ratio)
        record["peers"] = stats
        lines.append(text)
        report["results"].append(record)
    shutil.rmtree(folder)


def scaling_lines(report, lines):
    """How each command grows from 1,000 to 10,000 revisions, beside its floor's growth."""
    scaling = {}
    for backend in ("sqlite", "postgres"):
        rows = {(r["n"], r["command"]): r for r in report["results"] if r["backend"] == backend}
        for command in ("upgrade", "downgrade", "verify", "noop upgrade", "check"):
            if (10000, command) not in rows or (1000, command) not in rows:
                continue
            big, small = rows[(10000, command)], rows[(1000, command)]
            factor = big["seconds"] / small["seconds"]
            floor_factor = big["floor_seconds"] / small["floor_seconds"]
            scaling.setdefault(backend, {})[command] = {"ours": factor, "floor": floor_factor}
            # The floor is the database itself: where it grows faster than linearly (SQLite
            # reparses its whole schema on every DDL statement), so must anything on it.
            # What is ours is the ratio to the floor, which must not grow with N.
            lines.append(f"{backend}: {command} of 10,000 costs {factor:.1f}x {command} of 1,000 "
                         f"(target <= 11x: {'PASS' if factor <= 11 else 'MISS'}); the floor's own "
                         f"factor is {floor_factor:.1f}x, so ours adds "
                         f"{factor / floor_factor:.2f}x of growth "
                         f"({'PASS' if factor <= floor_factor * 1.1 else 'MISS'}: no step of ours "
                         f"grows faster than the database's own)")
    return scaling


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--large", default="400000",
                        help="statement counts of the large-file column, one revision of that "
                             "many single-row INSERTs (empty: none)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--verify-max", type=int, default=1000,
                        help="measure verify only up to this many revisions (it runs every "
                             "migration three times and compares schemas: the longest command)")
    parser.add_argument("--verify-data", action="store_true",
                        help="also measure verify --data beside plain verify (target <= 2x)")
    parser.add_argument("--binary", help="the migrate binary to measure [default: "
                                         "target/release/migrate, built first]")
    parser.add_argument("--floor", help="the no-op floor program [default: examples/noop_floor "
                                        "built beside --binary]")
    parser.add_argument("--peers", default=os.path.join(ROOT, "target", "peers"),
                        help="the folder ci/install-peers.sh installed the peer tools into, "
                             "timed beside ours where installed [default: target/peers]")
    parser.add_argument("--peer-timeout", type=float, default=600,
                        help="seconds after which a peer's command is stopped and its cell "
                             "marked as such")
    parser.add_argument("--backends", default="sqlite,postgres",
                        help="which backends to measure (postgres needs a server, see the top); "
                             "at 10,000 revisions SQLite itself reparses a schema of thousands "
                             "of tables at every statement, and takes hours, floor and peers "
                             "alike: `--sizes 10000 --backends postgres`")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the comparison with the peers as the README's tables")
    args = parser.parse_args()
    if args.binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "migrate",
                        "--example", "noop_floor"], cwd=ROOT, check=True)
        args.binary = os.path.join(ROOT, "target", "release", "migrate")
    # Runs happen in temp folders, where a relative path (as .ci/run passes) names nothing.
    args.binary = os.path.abspath(args.binary)
    if not os.path.exists(GNU_TIME):
        sys.exit("bench: needs GNU time for peak memory: apt-get install time")
    if not os.path.exists(args.binary):
        sys.exit(f"bench: build it first: cargo build --release ({args.binary} missing)")
    args.floor = os.path.abspath(args.floor or os.path.join(os.path.dirname(args.binary),
                                                            "examples", "noop_floor"))
    if not os.path.exists(args.floor):
        sys.exit(f"bench: build the no-op floor first: cargo build --release --example noop_floor "
                 f"({args.floor} missing)")
    server = os.environ.get("MIGRATE_BENCH_POSTGRES_URL") or os.environ.get("MIGRATE_TEST_POSTGRES_URL")
    PEER_TIMEOUT[0] = args.peer_timeout
    SERVER[0] = server
    peers, notes = bench_peers.find(args.peers)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    HARNESS_SECONDS[0] = harness_seconds()
    notes.append(f"every time includes the harness's own {HARNESS_SECONDS[0] * 1000:.1f} ms "
                 f"(fork, GNU time, exec: `true` run the same way); the no-op target is "
                 f"judged without it")
    report = {"sizes": sizes, "peers": [peer.name for peer in peers], "results": [],
              "harness_seconds": HARNESS_SECONDS[0]}
    lines = [f"{'backend':<9} {'N':>6} {'command':<13} {'ours s':>9} {'floor s':>9} {'ms/mig':>8} {'ratio':>6} {'max RSS':>9}  target"]
    for size in sizes:
        bench_size(args, server, peers, size, report, lines)
    for count in [int(count) for count in args.large.split(",") if count]:
        bench_large_file(args, server, peers, count, report, lines)
    scaling = scaling_lines(report, lines)
    report["scaling_10k_over_1k"] = scaling
    if not server:
        lines.append("postgres: skipped (set MIGRATE_BENCH_POSTGRES_URL, e.g. from ci/start-postgres.sh)")
    lines += notes
    print("\n".join(lines))
    if peers:
        print()
        print(bench_table.text(report, peers))
    if args.markdown:
        print()
        print(bench_table.markdown(report, peers))
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(report, f, indent=2)
    print(f"wrote target/bench/bench-{stamp}.json")


if __name__ == "__main__":
    main()
