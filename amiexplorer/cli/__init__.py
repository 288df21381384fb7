"""The command line: `main` parses the arguments and starts the TUI or `amiexplorer audit`.

Nothing here imports Textual until the TUI starts, nor botocore before it is needed.
"""
