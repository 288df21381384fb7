"""amiexplorer: a terminal UI for the EC2 images, snapshots, volumes and instances of an account."""

__version__ = "0.1.0"
