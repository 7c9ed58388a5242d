"""The bench's large-file column: one revision of N single-row INSERTs (a data migration or
a dump), applied by `migrate upgrade` on a fresh database beside its floor, the same file
through sqlite3 or psql in one transaction, in the same run.

Time is compared as a ratio to the floor; memory as peak RSS against the file's size, which
a run that reads, splits and executes the file should not exceed by more than a constant.
Used by ci/bench.py (--large); the helpers it measures with are passed in.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The targets of issue 22: time within 10% of the floor, peak RSS within the file's size
# plus this much.
TARGET_RATIO = 1.10
RSS_ALLOWANCE_KIB = 16 * 1024


def generate(count):
    """A folder holding migrations/ with the one large revision, and the floor's script."""
    folder = tempfile.mkdtemp(prefix=f"migrate-bench-large-{count}-")
    migrations = os.path.join(folder, "migrations")
    subprocess.run([sys.executable, os.path.join(ROOT, "ci", "generate_migrations.py"),
                    "--large", str(count), migrations], check=True)
    (revision,) = os.listdir(migrations)
    up = os.path.join(migrations, revision, "up.sql")
    floor = os.path.join(folder, "floor.sql")
    with open(floor, "w") as out, open(up) as f:
        out.write("BEGIN;\n")
        out.write(f.read())
        out.write("\nCOMMIT;\n")
    return folder, os.path.getsize(up), floor


def measure(backend, binary, folder, floor_sql, reps, run, paired_runs):
    """(ours, floor, ratio, peers) as bench.paired_runs gives them: ours `migrate upgrade` on a fresh
    database, the floor the client reading the file in one transaction."""
    env = dict(os.environ)

    def ours():
        url, _ = backend.fresh("large")
        env["DATABASE_URL"] = url
        return run([binary, "upgrade"], folder, env=env)

    def floor():
        _, client = backend.fresh("large_floor")
        return run(client, folder, stdin=floor_sql)

    return paired_runs(reps, ours, floor)


def verdict(ours, ratio, file_bytes):
    checks = [("time", ratio <= TARGET_RATIO),
              ("rss", ours[1] <= file_bytes / 1024 + RSS_ALLOWANCE_KIB)]
    missed = [name for name, ok in checks if not ok]
    return "MISS " + "+".join(missed) if missed else "PASS"


def line(backend, count, file_bytes, ours, floor, ratio):
    """A row of the bench's table, and what the JSON report records."""
    mib = file_bytes / 1024 / 1024
    text = (f"{backend:<9} {count:>6} {'large file':<13} {ours[0]:>9.3f} {floor[0]:>9.3f} "
            f"{'-':>8} {ratio:>6.2f} {ours[1] / 1024:>7.1f}Mi  {verdict(ours, ratio, file_bytes)}"
            f"  (file {mib:.1f} MiB; RSS above it {ours[1] / 1024 - mib:.1f} MiB, "
            f"target <= {RSS_ALLOWANCE_KIB / 1024:.0f}; floor RSS {floor[1] / 1024:.1f} MiB)")
    record = {
        "backend": backend, "n": count, "command": "large file", "seconds": ours[0],
        "floor_seconds": floor[0], "ratio": ratio, "max_rss_kib": ours[1],
        "floor_max_rss_kib": floor[1], "file_bytes": file_bytes,
        "target": verdict(ours, ratio, file_bytes),
    }
    return text, record
