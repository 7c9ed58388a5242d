"""How the bench times a command: wall time and peak RSS (GNU time), a timeout for the
peers, and turns that run ours, the floor and each peer one after the other so all see the
same machine. Used by ci/bench.py and passed on to ci/bench_large.py.
"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import bench_peers

GNU_TIME = "/usr/bin/time"


# The PostgreSQL server the bench runs on, if any (set by ci/bench.py): a peer killed at its
# timeout leaves its server process running the statement it sent.
SERVER = [None]


def end_server_work():
    """Ends the server processes a command killed at its timeout left running on the
    bench's databases: the server notices a client is gone only when it next writes to it,
    and a data migration sent whole runs on for minutes, beside whatever runs next."""
    if SERVER[0]:
        subprocess.run(["psql", "-qAtX", SERVER[0], "-c",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
                        "AND datname LIKE 'bench%'"],
                       check=True, stdout=subprocess.DEVNULL)


def settle():
    """Writes back what earlier commands wrote, so that none pays for another's: `sync`
    for files (a large file's 80 MB database), and on the server a CHECKPOINT, since
    PostgreSQL 15's DROP DATABASE waits for one: verify's drop of its scratch database
    wrote out the floor's and the peers' databases (10,000 buffers, 100 ms of a 0.3 s
    column, seen in the server's log)."""
    os.sync()
    if SERVER[0]:
        # A role may not CHECKPOINT (PostgreSQL 15: superusers and pg_checkpoint): the
        # bench then runs as before, its drops paying for what others left.
        subprocess.run(["psql", "-qX", SERVER[0], "-c", "CHECKPOINT"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(argv, cwd, stdin=None, env=None, timeout=None):
    """Runs a command; returns (seconds, max RSS in KiB, exit code, stderr), the exit code
    None when it ran out of time (it is killed with its children, and the server work it
    left ended). Untimed, it first settles what earlier commands left (see settle).

    The peak RSS comes from GNU time, which measures the command alone: a child's
    ru_maxrss seen from here would include this Python process, copied at fork."""
    settle()
    with tempfile.NamedTemporaryFile("r") as rss_file:
        stdin_file = open(stdin) if stdin else subprocess.DEVNULL
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file.name, *argv]
        started = time.perf_counter()
        child = subprocess.Popen(wrapped, cwd=cwd, stdin=stdin_file, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            end_server_work()
            return timeout, 0, None, b""
        finally:
            if stdin:
                stdin_file.close()
        elapsed = time.perf_counter() - started
        lines = rss_file.read().strip().splitlines()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return elapsed, rss, child.returncode, stderr.decode(errors="replace")


def run(argv, cwd, stdin=None, env=None):
    """Runs one of ours or a floor; returns (seconds, max RSS in KiB). Fails loudly."""
    elapsed, rss, code, stderr = timed(argv, cwd, stdin, env)
    if code != 0:
        sys.exit(f"bench: {' '.join(argv)} exited {code}:\n{stderr}")
    return elapsed, rss


PEER_TIMEOUT = [600.0]


def harness_seconds(reps=21):
    """What timing costs by itself: the median of `true` run the way every command is
    (fork, GNU time, exec). A no-op takes milliseconds, of which this is a part."""
    return statistics.median(timed(["true"], "/")[0] for _ in range(reps))


def run_peer(argv, cwd, env=None):
    """Runs a peer's command; a failure or a timeout raises PeerFailed, which leaves that
    peer out of the column, with the reason in its cell and the report."""
    elapsed, rss, code, stderr = timed(argv, cwd, env=env, timeout=PEER_TIMEOUT[0])
    if code is None:
        raise bench_peers.PeerFailed(f"> {PEER_TIMEOUT[0]:.0f} s")
    if code != 0:
        last = stderr.strip().splitlines()[-1:] or [""]
        raise bench_peers.PeerFailed(f"failed: {os.path.basename(argv[0])} exited {code}: {last[0][:200]}")
    return elapsed, rss


def paired_runs(reps, ours, floor, peers=None):
    """Runs ours, the floor and each peer by turns, so all see the same machine: on a
    shared one, speed drifts over minutes, and a block of our runs then a block of the
    floor's would measure the drift. Each turn starts one further along the list (ours,
    the floor, the peers), so none always runs first, right after the previous turn's
    last command, or always last. Returns (ours, floor, ratio, peers): medians of the
    times and of the ratio within each turn, peak RSS the highest seen; peers maps each
    peer's name to the same for it (ratio: ours over the peer's), or to its failure. A
    peer that fails or times out is left out of the turns after it."""
    peers = dict(peers or {})
    turns, peer_turns, failed = [], {name: [] for name in peers}, {}
    for turn in range(reps):
        order = [("ours", ours), ("floor", floor), *peers.items()]
        shift = turn % len(order)
        seen = {}
        for name, once in order[shift:] + order[:shift]:
            try:
                seen[name] = once()
            except bench_peers.PeerFailed as failure:
                failed[name] = str(failure)
                del peers[name]
        mine = seen["ours"]
        turns.append((mine, seen["floor"]))
        for name in peers:
            peer_turns[name].append((seen[name], mine))
    mine = (statistics.median(p[0][0] for p in turns), max(p[0][1] for p in turns))
    theirs = (statistics.median(p[1][0] for p in turns), max(p[1][1] for p in turns))
    ratio = statistics.median(p[0][0] / p[1][0] for p in turns)
    stats = {name: {"failed": reason} for name, reason in failed.items()}
    for name, pairs in peer_turns.items():
        if pairs and name not in failed:
            stats[name] = {"seconds": statistics.median(p[0][0] for p in pairs),
                           "max_rss_kib": max(p[0][1] for p in pairs),
                           "ratio": statistics.median(p[1][0] / p[0][0] for p in pairs)}
    return mine, theirs, ratio, stats
