#!/usr/bin/env python3
"""Measures what `verify --mirror` adds to the two verifies it builds on.

    ci/bench_mirror.py [--size 200] [--reps 5] [--binary target/release/migrate]

Generates a history of --size migrations (ci/generate_migrations.py, valid on both
backends) and uses it as both sets of a mirror, so the sets agree and every revision is
compared. Then, by turns (each turn alternating which goes first), --reps times each:
  - the two verifies: `verify --backend sqlite` on one folder, `verify --backend postgres`
    on the other;
  - `verify --mirror` over the two folders.
It prints the median wall time of each, the median of the per-turn ratios (mirror / the
two verifies), and the share of the comparison itself as the mirror run reports it
(`mirror_result.duration_ms` over both walks' `duration_ms`). PostgreSQL comes from
MIGRATE_BENCH_POSTGRES_URL or MIGRATE_TEST_POSTGRES_URL. Without --binary it builds the
release binary first.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv, cwd):
    """Runs a command; returns (seconds, stdout). Exit 0 or 1 (a verdict) is fine."""
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"bench_mirror: {' '.join(argv)} exited {result.returncode}:\n{result.stderr}")
    return elapsed, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--binary", help="the migrate binary [default: a fresh release build]")
    args = parser.parse_args()
    url = os.environ.get("MIGRATE_BENCH_POSTGRES_URL") or os.environ.get("MIGRATE_TEST_POSTGRES_URL")
    if not url:
        sys.exit("bench_mirror: set MIGRATE_BENCH_POSTGRES_URL (or MIGRATE_TEST_POSTGRES_URL)")
    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--bin", "migrate"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "migrate")
    binary = os.path.abspath(binary)
    work = tempfile.mkdtemp(prefix="bench-mirror-")
    try:
        subprocess.run([sys.executable, os.path.join(ROOT, "ci", "generate_migrations.py"),
                        str(args.size), os.path.join(work, "sqlite")], check=True)
        shutil.copytree(os.path.join(work, "sqlite"), os.path.join(work, "postgresql"))
        base = [binary, "verify", "--postgres-url", url]
        separate = [
            base + ["--dir", "sqlite", "--backend", "sqlite"],
            base + ["--dir", "postgresql", "--backend", "postgres"],
        ]
        mirror = base + ["--mirror", "--sqlite-dir", "sqlite", "--postgres-dir", "postgresql",
                         "--format", "json"]
        two, both, ratios, shares = [], [], [], []
        for turn in range(args.reps):
            # Which goes first alternates, so neither pays for what the other left the
            # server doing (a checkpoint, dropped databases).
            if turn % 2 == 0:
                seconds = sum(run(argv, work)[0] for argv in separate)
                elapsed, stdout = run(mirror, work)
            else:
                elapsed, stdout = run(mirror, work)
                seconds = sum(run(argv, work)[0] for argv in separate)
            report = json.loads(stdout)
            if report["mirror_result"]["status"] != "agree":
                sys.exit(f"bench_mirror: the generated sets should agree: {report['mirror_result']}")
            walks = report["sqlite"]["duration_ms"] + report["postgres"]["duration_ms"]
            two.append(seconds)
            both.append(elapsed)
            ratios.append(elapsed / seconds)
            shares.append(report["mirror_result"]["duration_ms"] / walks)
        print(f"{args.size} revisions, {args.reps} turns")
        print(f"two verifies:    {statistics.median(two):.2f} s (median)")
        print(f"verify --mirror: {statistics.median(both):.2f} s (median)")
        print(f"wall-time ratio: {statistics.median(ratios):.3f} (median of per-turn ratios; "
              f"range {min(ratios):.3f}-{max(ratios):.3f})")
        print(f"comparison / walks: {100 * statistics.median(shares):.2f}% (median; "
              f"range {100 * min(shares):.2f}-{100 * max(shares):.2f}%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
