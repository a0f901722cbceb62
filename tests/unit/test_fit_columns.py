"""tui/toolkit/widgets/record_list.fit_to_width: the columns of a list at a given width (issue 13 item 8)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screens.prospects import COLUMNS
from tui.toolkit.widgets.record_list import Column, fit_to_width

PROSPECTS = COLUMNS  # the Prospects list's own columns and priorities


def shown(columns) -> list[tuple[str, int]]:
    return [(c.key, c.width) for c in columns]


def test_wide_enough_every_column_at_its_width():
    assert shown(fit_to_width(PROSPECTS, 97, 1, {})) == [
        ("id", 11),
        ("name", 27),
        ("place", 20),
        ("etat", 18),
        ("action", 11),
    ]


def test_a_little_short_the_flexible_columns_shrink_with_the_short_header():
    fitted = fit_to_width(PROSPECTS, 90, 1, {})
    assert sum(c.width + 2 for c in fitted) == 90
    assert [c.key for c in fitted] == ["id", "name", "place", "etat", "action"]
    place = fitted[2]
    assert place.width < 20 and place.label == "CP / VILLE"
    assert fitted[1].width >= 20


def test_at_80_columns_the_lowest_priority_column_goes_and_the_name_stays_whole():
    fitted = fit_to_width(PROSPECTS, 76, 1, {})
    assert shown(fitted) == [("id", 11), ("name", 27), ("etat", 18), ("action", 11)]


def test_a_column_without_width_takes_its_natural_one():
    columns = (Column("n", "N°", 5), Column("amounts", "M.E.S. / ABO.", None))
    assert shown(fit_to_width(columns, 60, 0, {"amounts": 21})) == [("n", 5), ("amounts", 21)]


columns_strategy = st.lists(
    st.tuples(st.integers(1, 40), st.integers(0, 40), st.integers(0, 3)), min_size=1, max_size=9
).map(
    lambda specs: tuple(
        Column(f"c{i}", f"C{i}", width, min_width=min_width or None, priority=priority)
        for i, (width, min_width, priority) in enumerate(specs)
    )
)


@given(columns_strategy, st.integers(0, 200), st.integers(0, 1))
def test_fit_keeps_order_and_fixed_columns_and_fits_when_it_can(columns, available, padding):
    fitted = fit_to_width(columns, available, padding, {})
    keys = [c.key for c in fitted]
    assert keys == [c.key for c in columns if c.key in keys]  # order kept
    assert all(c.key in keys for c in columns if not c.priority)  # priority 0 never dropped
    by_key = {c.key: c for c in columns}
    for column in fitted:
        original = by_key[column.key]
        least = min(original.min_width or original.width, original.width)
        assert least <= column.width <= original.width
    kept_fixed = [c for c in columns if not c.priority]
    floor = sum(min(c.min_width or c.width, c.width) + 2 * padding for c in kept_fixed)
    if floor <= available:  # it can fit: it does
        assert sum(c.width + 2 * padding for c in fitted) <= available
