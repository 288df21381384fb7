"""The screens worth showing, as key presses from a freshly loaded explorer.

Shared by the screenshot script (`python -m screenshots.make`) and the snapshot tests, so the
README shows exactly what the tests check.
"""

from __future__ import annotations

#: name -> keys pressed after the demo world has loaded.
SCENES: dict[str, tuple[str, ...]] = {
    "instances": (),
    "volumes": ("2",),
    "snapshots": ("3",),
    "images": ("4",),
    "image-details": ("4", "down", "down", "enter"),
    "region-and-filter": (
        "3",
        "colon",
        *"region us-east-1",
        "enter",
        "slash",
        *"backup",
        "enter",
    ),
    "help": ("question_mark",),
    "create-image-dialog": ("c",),
    "activity": ("5",),
    "audit": ("6",),
    "recycle-bin": ("7",),
    # The lineage's middle snapshot: the confirmation says what deleting it really frees.
    "delete-confirmation": ("3", "slash", *"orders-db nightly", "enter", "down", "ctrl+d"),
}

#: Scenes that end in a dialog the action flow opens and waits on (its worker never settles):
#: name -> the dialog's class name, waited for instead.
DIALOG_SCENES: dict[str, str] = {"delete-confirmation": "ConfirmDialog"}

#: The sizes every scene is checked at: a roomy terminal and the classic 80x24.
SIZES: tuple[tuple[int, int], ...] = ((120, 36), (80, 24))
