"""The pure core: domain models, the inventory, relations, plans and the audit's rules.

No I/O, no clock of its own, and no botocore, aiobotocore or Textual (an import-linter contract
in CI). `amiexplorer.aws` talks to AWS and fills what is defined here; `amiexplorer.ui` shows it.
"""
