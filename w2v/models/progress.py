"""The training progress bar: a tqdm bar on stderr with words/s, learning rate, running loss and ETA.

>>> bar = TrainingBar(total_words=5_000_000, enabled=True)   # doctest: +SKIP
>>> bar.update(words_done=120_000, alpha=0.0249, loss=2.31)
>>> bar.close()
"""
from __future__ import annotations

import sys
import time


class TrainingBar:
    """A progress bar over the words of a whole run (all epochs), or nothing when disabled.

    Parameters
    ----------
    total_words : int
        Words to train in the run (corpus words x epochs).
    enabled : bool
        False makes every method a no-op (``progress=False`` / ``--quiet``).
    initial : int
        Words already trained (a resumed run).
    """

    def __init__(self, total_words: int, enabled: bool = True, initial: int = 0):
        self._bar = None
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total_words, initial=initial, unit="word", unit_scale=True,
                             file=sys.stderr, dynamic_ncols=True, smoothing=0.1, leave=True,
                             desc="training")
        self._shown = initial
        self._plain_description = None  # set while a note waits for the first words

    def update(self, words_done: int, alpha: float, loss: float | None) -> None:
        """Move the bar to ``words_done`` and show the current rate and mean loss per example."""
        if self._bar is None:
            return
        if self._plain_description is not None and words_done > self._shown:
            # the first words arrived: drop the note and start the clock now, so words/s and the
            # ETA do not count the time spent compiling
            self._bar.set_description(self._plain_description, refresh=False)
            self._plain_description = None
            self._bar.start_t = self._bar.last_print_t = time.time()
        self._bar.update(max(0, words_done - self._shown))
        self._shown = max(self._shown, words_done)
        postfix = {"lr": f"{alpha:.3g}"}
        if loss is not None:
            postfix["loss"] = f"{loss:.4f}"
        self._bar.set_postfix(postfix, refresh=False)

    def set_epoch(self, epoch: int, epochs: int, note: str | None = None) -> None:
        """Show ``epoch k/n`` as the bar's description, with ``note`` until the first words arrive."""
        if self._bar is None:
            return
        plain = f"epoch {epoch + 1}/{epochs}"
        if note:
            self._plain_description = plain
            self._bar.set_description(f"{plain} ({note})", refresh=True)
        else:
            self._bar.set_description(plain, refresh=False)

    def close(self) -> None:
        """Finish the bar (it stays on screen); later calls do nothing."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
