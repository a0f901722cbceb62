"""Keyset paging: the next or previous page of a list starts from a row the user has seen.

`OFFSET 5000` makes the database read and drop 5,000 rows before the page; and when rows are
added at the top between two page loads, every later page shifts (a row shown twice, or one
never shown). A list ordered by columns whose last one is unique (the id) can instead ask for
"the `limit` rows after this one" (`WHERE (created_on, id) < (?, ?)`), which the database
answers from the index of the ORDER BY, whatever the page.

The screens' lists still ask for pages by offset (`fetch(filters, offset, limit)`): a `Pager`,
held by the screen, remembers the first and last row of the pages it served, so next page,
previous page, the same page again and the last page (once the total is known exactly) become
keyset queries; any other offset (or a Pager-less call) is a plain OFFSET query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import peewee


@dataclass(frozen=True)
class CountLater:
    """The total of a full page, not counted yet.

    Counting the rows a filter matches can take longer than reading the page (the page stops at
    its `limit`, the count goes on to its cap: on PostgreSQL at a million rows, 0.2-1.2 s). A
    list paints the page first, says `known` rows at least, then runs `count()` off the key's
    path and shows the total when it comes (tui/toolkit/widgets/record_list.py).
    """

    known: int
    count: Callable[[], int]


@dataclass(frozen=True)
class Keyset:
    """A list's ORDER BY: `columns` all ascending or all descending, the last one unique.

    `names` are the keys of those columns in the rows the query returns as dicts.
    """

    columns: tuple
    names: tuple[str, ...]
    descending: bool = False

    def order_by(self, *, reverse: bool = False) -> tuple:
        down = self.descending != reverse
        return tuple(column.desc() if down else column.asc() for column in self.columns)

    def key(self, row: dict) -> tuple:
        return tuple(row[name] for name in self.names)

    def _compare(self, key: tuple, op: str) -> peewee.Expression:
        values = [
            peewee.Value(value, converter=getattr(column, "db_value", None))
            for column, value in zip(self.columns, key, strict=True)
        ]
        if len(values) == 1:
            return peewee.Expression(self.columns[0], op, values[0])
        return peewee.Expression(peewee.Tuple(*self.columns), op, peewee.Tuple(*values))

    def after(self, key: tuple, *, inclusive: bool = False) -> peewee.Expression:
        """Rows that come after `key` in the list's order (and `key` itself if inclusive)."""
        if self.descending:
            return self._compare(key, "<=" if inclusive else "<")
        return self._compare(key, ">=" if inclusive else ">")

    def before(self, key: tuple) -> peewee.Expression:
        """Rows that come before `key` in the list's order."""
        return self._compare(key, ">" if self.descending else "<")


@dataclass(frozen=True)
class _Seen:
    first: tuple
    last: tuple
    count: int


class Pager:
    """What one list has shown: the first and last row key of each page, for one set of filters.

    Forgets everything when the filters or the page size change. Thread-safe (the list's
    queries run in worker threads).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._wanted: tuple | None = None
        self._pages: dict[int, _Seen] = {}
        self._total: int | None = None  # exact total last reported, None if unknown or capped

    def plan(self, filters, offset: int, limit: int) -> tuple[str, object]:
        """How to fetch page `offset`: ("first"|"offset", None), ("after"|"from"|"before", key)
        or ("last", rows on that page)."""
        with self._lock:
            if self._wanted != (filters, limit):
                self._wanted, self._pages, self._total = (filters, limit), {}, None
            if offset <= 0:
                return "first", None  # the top of the list is always read afresh
            previous = self._pages.get(offset - limit)
            if previous is not None and previous.count == limit:
                return "after", previous.last
            following = self._pages.get(offset + limit)
            if following is not None:
                return "before", following.first
            same = self._pages.get(offset)
            if same is not None:
                return "from", same.first
            total = self._total
            if total is not None and offset < total <= offset + limit:
                return "last", total - offset
            return "offset", None

    def seen(self, filters, offset: int, limit: int, keys: list[tuple]) -> None:
        with self._lock:
            if self._wanted != (filters, limit):
                return
            if keys:
                self._pages[offset] = _Seen(keys[0], keys[-1], len(keys))
            else:
                self._pages.pop(offset, None)

    def total(self, filters, limit: int, total: int) -> None:
        """The total the list shows; kept only if exact (not "plus de N")."""
        with self._lock:
            if self._wanted == (filters, limit):
                self._total = None if getattr(total, "at_least", False) else int(total)


def fetch_page(
    query,
    keyset: Keyset,
    offset: int,
    limit: int,
    *,
    pager: Pager | None = None,
    filters=None,
) -> list[dict]:
    """The rows (dicts) of page `offset` of `query` in `keyset` order; keyset-paged through
    `pager` when it knows a neighbouring page, else OFFSET."""
    how, arg = pager.plan(filters, offset, limit) if pager is not None else ("offset", None)
    if how in ("first", "offset"):
        rows = list(query.order_by(*keyset.order_by()).offset(offset or None).limit(limit).dicts())
    elif how in ("after", "from"):
        where = keyset.after(arg, inclusive=how == "from")  # type: ignore[arg-type]  # the plan says which: a key tuple
        rows = list(query.where(where).order_by(*keyset.order_by()).limit(limit).dicts())
    else:
        # Previous page, or the last one: read backwards from the other end, then put the
        # rows back in the list's order.
        count = limit if how == "before" else arg
        backwards = query.order_by(*keyset.order_by(reverse=True)).limit(count)
        if how == "before":
            backwards = backwards.where(keyset.before(arg))  # type: ignore[arg-type]  # a key tuple here
        rows = list(backwards.dicts())[::-1]
        if how == "before" and len(rows) < limit:
            # Rows above were removed meanwhile: a full page from the offset rather than a
            # short one in the middle of the list.
            order = keyset.order_by()
            rows = list(query.order_by(*order).offset(offset).limit(limit).dicts())
    if pager is not None:
        pager.seen(filters, offset, limit, [keyset.key(row) for row in rows])
    return rows
