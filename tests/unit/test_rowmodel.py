"""The row model: its cached order and narrowing filter give exactly the rows a naive one would."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from amiexplorer.core.inventory import Inventory
from amiexplorer.core.models import ResourceKind, Snapshot
from amiexplorer.core.relations import RelationGraph
from amiexplorer.ui.rows import model as rowmodel
from amiexplorer.ui.rows.columns import COLUMNS, RowContext
from amiexplorer.ui.rows.model import WARM_SLICE, RowModel, _comparable, search_text

NOW = datetime(2026, 11, 1, tzinfo=UTC)
WORDS = ("payments", "prod", "staging", "web", "backup", "daily", "pay", "ml")


def snapshot(rng: random.Random, n: int) -> Snapshot:
    tags = tuple(sorted({("team", rng.choice(WORDS)), ("env", rng.choice(WORDS))}))
    return Snapshot(
        f"snap-{n:05x}",
        rng.choice(("eu-west-1", "us-east-1")),
        "1",
        rng.choice(("completed", "pending")),
        rng.randrange(101),
        rng.choice((None, f"vol-{n % 7}")),
        rng.choice((8, 100, 20)),
        rng.choice((None, NOW - timedelta(days=rng.randrange(400)))),
        rng.choice(("", f"{rng.choice(WORDS)} of the {rng.choice(WORDS)}", "-")),
        tags=tags,
    )


def naive(model: RowModel, inventory: Inventory, ctx: RowContext) -> list[str]:
    """What the model must show: filter every row, then sort (the model's original way)."""
    rows = [r for r in inventory.snapshots.values() if model.region in (None, r.region)]
    terms = model.filter_text.strip().lower().split()
    rows = [r for r in rows if all(t in search_text(r) for t in terms)]
    column = model.sort_column
    if column is None:
        rows.sort(key=lambda r: r.id)
    else:
        rows.sort(key=lambda r: _comparable(column.sort_key(r, ctx)), reverse=model.descending)
    return [r.id for r in rows]


def test_typing_sorting_and_changes_give_the_naive_rows() -> None:
    rng = random.Random(6)
    inventory = Inventory("1", ("eu-west-1", "us-east-1"))
    for n in range(400):
        inventory.put(snapshot(rng, n))
    ctx = RowContext(now=NOW, relations=RelationGraph(inventory))
    model = RowModel(ResourceKind.SNAPSHOT)
    table = inventory.table(ResourceKind.SNAPSHOT)
    typed = "payments prod"
    steps = [typed[: i + 1] for i in range(len(typed))] + ["payments pro", "pay", "", "ml web"]
    for column in (None, *COLUMNS[ResourceKind.SNAPSHOT]):
        model.sort_column = column
        for descending in (False, True):
            model.descending = descending
            for region in (None, "eu-west-1"):
                model.region = region
                for text in steps:
                    model.filter_text = text
                    model.rebuild(table, ctx)
                    assert [r.id for r in model.rows] == naive(model, inventory, ctx), text
    # A change of the inventory shows at the next rebuild, filter and order kept.
    model.sort_column, model.descending, model.region, model.filter_text = None, False, None, "pay"
    model.rebuild(table, ctx)
    added = snapshot(rng, 999)
    inventory.put(added)
    model.rebuild(table, ctx)
    assert [r.id for r in model.rows] == naive(model, inventory, ctx)
    assert model.index_of(model.rows[-1].id) == len(model.rows) - 1
    assert model.index_of("snap-none") is None


def test_warming_computes_every_text_ahead_and_gives_up_on_a_stale_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    inventory = Inventory("1", ("eu-west-1", "us-east-1"))
    for n in range(WARM_SLICE * 2 + 10):
        inventory.put(snapshot(rng, n))
    ctx = RowContext(now=NOW, relations=RelationGraph(inventory))
    model = RowModel(ResourceKind.SNAPSHOT)
    table = inventory.table(ResourceKind.SNAPSHOT)
    model.rebuild(table, ctx)
    assert not model.knows_search_texts(table) and not model.order_texts_ready
    slices = list(model.warm(table))
    assert len(slices) > 3  # in slices: texts of the table, then of the rows in order
    assert model.knows_search_texts(table) and model.order_texts_ready
    computed: list[object] = []
    monkeypatch.setattr(rowmodel, "search_text", lambda r: computed.append(r) or "")
    model.filter_text = "pay"
    model.rebuild(table, ctx)
    assert computed == [] and model.rows
    # A new order while its texts are being gathered: that gathering stops, unfinished.
    model.filter_text = ""
    model.sort_column = COLUMNS[ResourceKind.SNAPSHOT][1]
    model.rebuild(table, ctx)
    gathering = model.warm_order()
    next(gathering)
    model.descending = True
    model.rebuild(table, ctx)
    assert list(gathering) == [] and not model.order_texts_ready
    list(model.warm_order())
    assert model.order_texts_ready and computed == []
