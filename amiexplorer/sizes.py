"""Sizes as people read them, one format for the TUI, the audit CLI and every confirmation.

AWS bills volumes and snapshots in whole GiB, so a size below a TiB is shown exact
(`500 GiB`, `1,023 GiB`); above that one decimal of the next binary unit says enough
(`14.0 TiB`, `1.5 PiB`), where `14,380 GiB` would make the reader count digits.
Pure: no Textual, no botocore (the audit CLI uses it).
"""

from __future__ import annotations

#: The units after GiB, each 1024 times the one before.
_LARGER_UNITS = ("TiB", "PiB", "EiB")


def format_gib(gib: int) -> str:
    """`gib` GiB for a person: '8 GiB', '1,023 GiB', '1.0 TiB', '14.0 TiB', '2.5 PiB'."""
    if gib < 1024:
        return f"{gib:,} GiB"
    value = gib / 1024
    unit = _LARGER_UNITS[0]
    for larger in _LARGER_UNITS[1:]:
        # Rounded before the unit is chosen: 1,048,575 GiB is '1.0 PiB', never '1024.0 TiB'.
        if round(value, 1) < 1024:
            break
        value /= 1024
        unit = larger
    return f"{value:,.1f} {unit}"


def format_bytes(count: int) -> str:
    """`count` bytes for a person: '512 KiB', '412 MiB', '2.3 GiB', then as `format_gib`."""
    if count < 1024**2:
        return f"{count / 1024:,.0f} KiB"
    if count < 1024**3:
        return f"{count / 1024**2:,.0f} MiB"
    gib = count / 1024**3
    return f"{gib:,.1f} GiB" if gib < 1024 else format_gib(round(gib))
