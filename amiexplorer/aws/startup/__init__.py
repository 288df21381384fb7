"""The start-up checks: credentials and settings offline first, then identity and regions."""
