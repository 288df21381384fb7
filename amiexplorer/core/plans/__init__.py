"""The plans of every change: what a request would do, item by item, and the guards that refuse.

`requests` holds the frozen requests the dialogs build; `plan` the plan types and the shared
guards; `create`, `delete` and `share` each plan one family of actions. Executing a plan is
`amiexplorer.aws.actions`' job.
"""
