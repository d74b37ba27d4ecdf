"""Walking the unit hierarchy as it stood on a given day. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from lantern.units.model import ParentLink


def parents_on(links: Iterable[ParentLink], day: date | None) -> list[str]:
    """Parents in force on `day`; with no day, every parent the unit ever had."""
    return [link.parent_key for link in links if day is None or link.period.may_contain(day)]


def ancestors(unit_key: str, parent_links: Mapping[str, Iterable[ParentLink]], day: date | None) -> list[str]:
    """Ancestors from the nearest up, as the hierarchy stood on `day`. Safe against cycles."""
    seen = {unit_key}
    path: list[str] = []
    frontier = [unit_key]
    while frontier:
        nxt: list[str] = []
        for key in frontier:
            for parent in parents_on(parent_links.get(key, ()), day):
                if parent not in seen:
                    seen.add(parent)
                    path.append(parent)
                    nxt.append(parent)
        frontier = nxt
    return path


def find_cycle(parent_links: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in a parent graph, as the list of keys that form it, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in parent_links:
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, list(parent_links.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if not pending:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = pending.pop()
            mark = state.get(nxt)
            if mark == 1:
                return [*path[path.index(nxt) :], nxt]
            if mark is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, list(parent_links.get(nxt, ()))))
    return None


def children_index(
    parent_links: Mapping[str, Iterable[ParentLink]],
) -> dict[str, list[tuple[str, ParentLink]]]:
    """Parent key → [(child key, link)]: the reverse of the parent links, built once per registry."""
    index: dict[str, list[tuple[str, ParentLink]]] = {}
    for child, links in parent_links.items():
        for link in links:
            index.setdefault(link.parent_key, []).append((child, link))
    return index


def descendants(
    unit_key: str, children: Mapping[str, Iterable[tuple[str, ParentLink]]], day: date | None
) -> list[str]:
    """Every unit below `unit_key` as the hierarchy stood on `day` (all time when no day), nearest first."""
    seen = {unit_key}
    order: list[str] = []
    frontier = [unit_key]
    while frontier:
        nxt: list[str] = []
        for key in frontier:
            for child, link in children.get(key, ()):
                if child not in seen and (day is None or link.period.may_contain(day)):
                    seen.add(child)
                    order.append(child)
                    nxt.append(child)
        frontier = nxt
    return order
