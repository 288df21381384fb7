"""Everything that talks to AWS. This package never imports Textual (a CI contract).

Import from the modules themselves: this file imports nothing, so that the cheap ones
(models, inventory) can be used without importing botocore (the TUI draws its first frame
before botocore is imported).
"""
