"""The performance benchmark of issue 6: a synthetic account, a fast endpoint, and `run`."""
