"""Items linked by the keys they share, in groups (union-find).

One mechanism behind three questions: which methods share ``self`` attributes (LCOM4),
which methods a god class can move together, and which module statements define the
same name.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence


def linked_groups(keys: Sequence[Iterable[Hashable]]) -> list[list[int]]:
    """Indexes of the items grouped by the keys they share, directly or through others.

    ``keys[i]`` are the keys of item ``i``. Groups come in the order of their first item,
    each in ascending order; an item with no key is a group of its own.
    """
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holder: dict[Hashable, int] = {}
    for i, item_keys in enumerate(keys):
        for key in item_keys:
            if key in holder:
                parent[find(i)] = find(holder[key])
            else:
                holder[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
