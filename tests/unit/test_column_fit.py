"""Which columns a pane shows at a width: by importance, with names that read apart."""

from __future__ import annotations

import pytest

from amiexplorer.core.models import ResourceKind
from amiexplorer.ui.rows.column_fit import ESSENTIAL, NAME_MAX, Layout, fit_columns, telling_apart
from amiexplorer.ui.rows.columns import COLUMNS, REGION, Column

LAYOUTS = (
    Layout(with_region=False),
    Layout(with_region=True),
    Layout(with_region=True, name_width=28),
    Layout(with_region=False, name_width=12),
    Layout(with_region=True, region_width=9, name_width=NAME_MAX),
)


def test_the_width_that_tells_names_apart() -> None:
    # The images: cut at 12, eight rows read "base-al2023-…".
    names = ["base-al2023-hardened-v40", "base-al2023-hardened-v42", "grafana-2026.06.14-1"]
    assert telling_apart(names) == 24
    # A cut name shows width - 1 characters: two past the shared prefix tell it apart, and
    # a name that is the other's prefix is shown whole.
    assert telling_apart(["kafka-broker-1", "kafka-broker-1-logs"]) == 16
    assert telling_apart(["web", "api"]) == 2
    # Equal names ask for nothing (copies in two regions); names that differ only past the
    # cap are left to be cut; with nothing to tell apart, nothing is asked.
    assert telling_apart(["bastion", "bastion", "web-1", "web-2"]) == 5
    long = "Created by CreateImage(i-0123456789abcdef0) for ami-"
    assert telling_apart([long + "0a", long + "0b", "web-1", "web-2"]) == 5
    assert telling_apart([long + "0a", long + "0b"]) is None
    assert telling_apart([]) is None


def _essential(column: Column) -> bool:
    return column.priority < ESSENTIAL


@pytest.mark.parametrize("kind", list(COLUMNS))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_columns_come_by_importance_and_never_overflow(kind: ResourceKind, layout: Layout) -> None:
    declared = COLUMNS[kind]
    name = next(c for c in declared if c.flex)
    wanted = max(name.min_width, min(NAME_MAX, layout.name_width or name.width))
    for width in range(1, 240):
        fitted = fit_columns(declared, width, layout)
        keys = [c.key for c in fitted]
        assert keys, width
        # On screen in the declared order, the region first when shown.
        order = (["region"] if layout.with_region else []) + [c.key for c in declared]
        assert keys == [k for k in order if k in keys]
        used = sum(c.width for c in fitted) + len(fitted) - 1
        assert used <= width or len(fitted) == 1, (width, keys)
        shown_priorities = [c.priority for c in fitted if not _essential(c)]
        left_out = [c for c in declared if c.key not in keys]
        if shown_priorities and left_out:
            # Never a column while a more important one is left out.
            assert max(shown_priorities) <= min(c.priority for c in left_out), (width, keys)
        if shown_priorities:
            # A column is only added beside a name that reads apart.
            assert next(c for c in fitted if c.flex).width >= wanted, (width, keys)
        if width >= 120:
            assert used == width, "the name takes what is left"
        if width < 30:
            # At 20 columns the id says more than the region.
            assert "id" in keys


def test_the_region_column_is_as_wide_as_the_longest_region() -> None:
    volumes = COLUMNS[ResourceKind.VOLUME]
    fitted = fit_columns(volumes, 120, Layout(True, region_width=9))
    assert fitted[0].key == "region" and fitted[0].width == 9
    # Never narrower than its heading.
    assert fit_columns(volumes, 120, Layout(True, region_width=4))[0].width == len(REGION.label)
    assert "region" not in [c.key for c in fit_columns(volumes, 120, LAYOUTS[0])]


def test_at_80_columns_of_table_each_pane_keeps_region_id_name_and_state() -> None:
    # What the explorer gives its table at 80x24, the regions pane hidden.
    for kind, declared in COLUMNS.items():
        keys = [c.key for c in fit_columns(declared, 77, Layout(True, name_width=16))]
        assert keys[:2] == ["region", "id"] and {"name", "state"} <= set(keys), kind


@pytest.mark.parametrize("kind", [ResourceKind.SNAPSHOT, ResourceKind.IMAGE])
def test_a_sharing_cell_is_never_cut_before_its_count(kind: ResourceKind) -> None:
    from amiexplorer.ui.rows import formatting as fmt

    (column,) = [c for c in COLUMNS[kind] if c.key == "sharing"]
    for count in (1, 9, 12, 999):
        shared_with = tuple(f"{n:012d}" for n in range(count))
        text = fmt.sharing(False, shared_with)
        assert len(text) <= column.width and str(count) in text, text
    assert len(fmt.sharing(True, ())) <= column.width
