"""The Textual user interface. It never calls AWS itself: it asks an `Account`."""
