"""The bench's comparison with the peers, from its report: one row per backend, size and
column, ours and the floor and each installed peer, the ratio to the floor and to the best
peer (the fastest, or for the large file's memory the smallest). Printed as text, and with
--markdown as the README's tables (the second says what each peer ran for each column).
Used by ci/bench.py.
"""
import bench_peers

COLUMNS = [("upgrade", "upgrade"), ("downgrade", "downgrade"), ("noop upgrade", "no-op upgrade"),
           ("verify", "verify"), ("large file", "large file")]


def seconds(value):
    if value < 10:
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def rows(report, peers):
    """[(backend, N, label, ours, floor, x floor, [peer cells], x best peer)] as strings."""
    found = []
    for result in report["results"]:
        label = dict(COLUMNS).get(result["command"])
        if label is None:
            continue
        beside = result.get("peers", {})
        found.append(row(result, label, peers, beside, memory=False))
        if result["command"] == "large file":
            found.append(row(result, "large file, peak RSS", peers, beside, memory=True))
    return found


def row(result, label, peers, beside, memory):
    if memory:
        ours, floor = result["max_rss_kib"], result.get("floor_max_rss_kib")
        show = mib
        measured = {name: s["max_rss_kib"] for name, s in beside.items() if "max_rss_kib" in s}
    else:
        ours, floor = result["seconds"], result.get("floor_seconds")
        show = seconds
        measured = {name: s["seconds"] for name, s in beside.items() if "seconds" in s}
    cells = []
    for peer in peers:
        stats = beside.get(peer.name)
        if stats is None:
            cells.append("—")
        elif "failed" in stats:
            cells.append(stats["failed"].split(":")[0])
        else:
            cells.append(show(measured[peer.name]))
    x_floor = "—"
    if floor:
        x_floor = f"{ours / floor:.2f}×" if memory else f"{result['ratio']:.2f}×"
    x_best = "—"
    if measured:
        best = min(measured, key=measured.get)
        ratio = ours / measured[best] if memory else beside[best]["ratio"]
        x_best = f"{ratio:.2f}× {best}"
    n = f"{result['n']:,}"
    return (result["backend"], n, label, show(ours), show(floor) if floor else "—", x_floor,
            cells, x_best)


def header(peers):
    return (["backend", "N", "column", "ours", "floor", "× floor"]
            + [peer.name for peer in peers] + ["× best peer"])


def text(report, peers):
    """The comparison as a plain table for the terminal."""
    table = [header(peers)] + [[*r[:6], *r[6], r[7]] for r in rows(report, peers)]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = []
    for line in table:
        out.append("  ".join(cell.ljust(width) if i < 3 else cell.rjust(width)
                             for i, (cell, width) in enumerate(zip(line, widths))).rstrip())
    out.append("× floor, × best peer: ours over theirs, the median of the ratios within each turn "
               "(peak RSS: ours over theirs); below 1 ours is faster")
    for result in report["results"]:
        for name, stats in sorted(result.get("peers", {}).items()):
            if "failed" in stats:
                out.append(f"{name} on {result['backend']}, N={result['n']}, {result['command']}: "
                           f"{stats['failed']}")
    return "\n".join(out)


def markdown(report, peers):
    """The README's tables: the comparison, then what each peer ran for each column."""
    head = header(peers)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows(report, peers):
        out.append("| " + " | ".join([*r[:6], *r[6], r[7]]) + " |")
    if peers:
        out += ["", "| peer | " + " | ".join(label for _, label in COLUMNS) + " |",
                "|" + "---|" * (len(COLUMNS) + 1)]
        for peer in peers:
            ran = [f"`{peer.ran[column]}`" if peer.ran.get(column) else "—" for column, _ in COLUMNS]
            out.append(f"| {peer.name} | " + " | ".join(ran) + " |")
    else:
        out.append("")
        out.append(f"No peer installed: run `{bench_peers.INSTALL}` first.")
    return "\n".join(out)
