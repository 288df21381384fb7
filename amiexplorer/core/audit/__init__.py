"""The audit, pure: an inventory and its relation graph in, findings with reasons and costs out.

`report` is the public face (import from there); `findings` holds the data types and `rules`
the rules. Gathering the evidence is `amiexplorer.aws.audit_run`'s job.
"""
