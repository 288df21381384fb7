"""The one path every change takes: re-read, DryRun, confirm, execute, log (`runner`).

`calls` makes the AWS calls of a plan, `reread` fetches fresh state for the guards, and `log`
writes the action log. The plans themselves are pure and live in `amiexplorer.core.plans`.
"""
