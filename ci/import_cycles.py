#!/usr/bin/env python3
"""Finds import circles in src/: between files, and between the crate's layers.

Reads every `use` path and every inline `crate::`/`super::` path of each file, resolves
it to the file that defines the name (following `pub use` re-exports of a `mod.rs`), and
reports every strongly connected set of files. Then checks that no layer imports a higher
one (core and schema < source < backend < provision < engine < cli). Exit 1 on either.

    python3 ci/import_cycles.py          # prints "no import circles" or each circle
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
LAYERS = ["core", "schema", "source", "backend", "provision", "engine", "cli"]
RANK = {"core": 0, "schema": 0, "source": 1, "backend": 2, "provision": 3, "engine": 4,
        "error": 5, "lib": 6, "cli": 7, "main": 8}


def module_of(path):
    """The module path of a file: src/backend/sqlite/mod.rs -> ('backend', 'sqlite')."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return ()
    return tuple(parts)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return re.sub(r"//[^\n]*", "", text)


def expand(tree):
    """Expands a use tree `a::{b, c::{d, e}}` into paths a::b, a::c::d, a::c::e."""
    tree = re.sub(r"\s+", "", tree)
    brace = tree.find("{")
    if brace < 0:
        return [tree.split(" as ")[0]]
    head, body = tree[:brace], tree[brace + 1:tree.rindex("}")]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return [path for part in parts if part for path in expand(head + part)]


class Crate:
    def __init__(self):
        self.files = {}  # module path -> file
        self.binary = set()  # modules of the binary crate (cli)
        for path in sorted(ROOT.rglob("*.rs")):
            module = module_of(path)
            if path.name == "main.rs" and len(module) == 0:
                module = ("<main>",)
            self.files[module] = path
            if module[:1] == ("cli",):
                self.binary.add(module)
        self.reexports = {module: self._reexports(module) for module in self.files}

    def _reexports(self, module):
        """`pub use child::Name` lines of a module: Name -> the child's module path."""
        found = {}
        text = strip_comments(self.files[module].read_text())
        for tree in re.findall(r"\bpub(?:\([a-z]+\))?\s+use\s+([^;]+);", text):
            for path in expand(tree):
                segments = path.split("::")
                if segments[0] in ("crate", "super", "self"):
                    continue
                found[segments[-1]] = module + tuple(segments[:-1])
        return found

    def resolve(self, module, segments):
        """The defining file's module for a path seen in `module`, or None if external."""
        if segments[0] == "crate":
            base, rest = (), segments[1:]
            if module in self.binary or module == ("<main>",):
                if not rest or rest[0] != "cli":
                    return None  # the binary's crate:: items other than cli: main.rs
        elif segments[0] == "migrate" and (module in self.binary or module == ("<main>",)):
            base, rest = (), segments[1:]
        elif segments[0] == "super":
            base, rest = module, segments
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
        elif segments[0] == "self":
            base, rest = module, segments[1:]
        else:
            return None
        current = base
        for index, name in enumerate(rest):
            if current + (name,) in self.files:
                current = current + (name,)
                continue
            target = self.reexports.get(current, {}).get(name)
            if target and target in self.files and index == len(rest) - 1:
                return self._follow(target, name)
            break
        return current if current in self.files else None

    def _follow(self, module, name):
        """Follows re-exports of `name` down to the file that defines it."""
        seen = set()
        while module not in seen:
            seen.add(module)
            target = self.reexports.get(module, {}).get(name)
            if not target or target not in self.files:
                break
            module = target
        return module

    def edges(self):
        for module, path in self.files.items():
            text = strip_comments(path.read_text())
            paths = [p for tree in re.findall(r"\buse\s+([^;]+);", text) for p in expand(tree)]
            paths += re.findall(r"(?<![:\w])((?:crate|super)(?:::\w+)+)", text)
            for found in paths:
                segments = [s for s in found.split("::") if s and s != "*"]
                if not segments:
                    continue
                target = self.resolve(module, segments)
                if target is not None and target != module and not _is_ancestor(target, module):
                    yield module, target


def _is_ancestor(parent, child):
    """A child naming its own folder's mod.rs is how Rust reaches siblings, not a dependency."""
    return child[:len(parent)] == parent and len(parent) < len(child)


def circles(graph):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def main():
    crate = Crate()
    graph, named = {}, {}
    for source, target in crate.edges():
        graph.setdefault(source, set()).add(target)
    failed = False
    for component in circles(graph):
        failed = True
        files = [str(crate.files[m].relative_to(ROOT.parent)) for m in component]
        print("circle:", ", ".join(files))
        for m in component:
            for t in sorted(graph.get(m, ())):
                if t in component:
                    print(f"  {crate.files[m].relative_to(ROOT.parent)} -> "
                          f"{crate.files[t].relative_to(ROOT.parent)}")
    for source, targets in sorted(graph.items()):
        for target in sorted(targets):
            low, high = (source[0] if source else "lib"), (target[0] if target else "lib")
            if RANK.get(high, 0) > RANK.get(low, 0) and low != high:
                failed = True
                print(f"upward import: {crate.files[source].relative_to(ROOT.parent)} "
                      f"({low}) -> {crate.files[target].relative_to(ROOT.parent)} ({high})")
    if not failed:
        print(f"no import circles and no upward imports among {len(crate.files)} files")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
