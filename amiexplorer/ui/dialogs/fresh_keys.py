"""A question is answered only by keys typed after it was put.

Keys typed on a form arrive in bursts (a fast typist, a paste, a lagged SSH link): a second
ctrl+s or enter typed while the form's DryRun runs would otherwise reach the confirmation
that opens meanwhile and confirm a plan nobody read. A screen that is such a question
(`AnswersFreshKeysOnly`) notes when it was made; the app drops every key made before that
(Textual stamps each message with the monotonic time it was made; the driver makes a key as
its bytes arrive), so the key meant for the form is lost, never taken as the answer.
"""

from __future__ import annotations

from textual import _time, events


class AnswersFreshKeysOnly:
    """Mixed into a screen that asks something: keys older than it are not answers."""

    #: When the question was made (Textual's monotonic clock, as `Message.time`).
    asked_at: float

    def note_asked(self) -> None:
        """Call in __init__: keys made before this moment never reach the screen."""
        self.asked_at = _time.get_time()

    def typed_before(self, event: events.Key) -> bool:
        """True when `event` was typed before the question was put (for the screen below)."""
        return event.time < getattr(self, "asked_at", float("-inf"))
