"""The explorer's panes, in one `ContentSwitcher`: each owns its rows, its keys and its mode.

`resources` (instances, volumes, snapshots, images, and the details of a row), `audit` (the
findings) and `activity` (work in flight). They post what happened up to the explorer
(`amiexplorer.ui.messages`) and hand changes to its `ActionFlow`.
"""
