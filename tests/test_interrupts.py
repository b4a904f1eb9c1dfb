"""w2v._interrupts: the first Ctrl-C waits for a safe point, a second one does not."""
import os
import signal

import pytest

from w2v._interrupts import HeldCtrlC
from w2v.cli import _safety


def test_the_first_ctrl_c_waits_for_check_and_the_handler_comes_back():
    before = signal.getsignal(signal.SIGINT)
    with HeldCtrlC("waiting") as stop:
        os.kill(os.getpid(), signal.SIGINT)          # no KeyboardInterrupt here: the round goes on
        assert stop.requested
        with pytest.raises(KeyboardInterrupt):
            stop.check()
        assert not stop.requested
        stop.check()                                 # handed on once, not again
    assert signal.getsignal(signal.SIGINT) is before


def test_check_does_nothing_without_a_signal_and_a_second_ctrl_c_stops_at_once():
    with HeldCtrlC("waiting") as stop:
        stop.check()
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)          # a bytecode boundary: Python runs its handlers


def test_an_ignored_ctrl_c_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with HeldCtrlC("waiting") as stop:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            assert not stop.requested
            stop.check()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_sigterm_is_not_held():
    # it comes to a whole process group too, whose workers end with it: the run must stop at once
    with _safety.sigterm_as_interrupt():
        with HeldCtrlC("waiting") as stop:
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGTERM)
                signal.getsignal(signal.SIGINT)
            assert not stop.requested
        assert _safety.interrupt_status() == 143


def test_a_ctrl_c_still_held_as_the_block_ends_is_not_lost():
    with pytest.raises(KeyboardInterrupt):
        with HeldCtrlC("waiting"):
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)
            reached = True
    assert reached


def test_a_ctrl_c_taken_is_answered_by_the_caller_not_raised():
    with HeldCtrlC("waiting") as held:
        assert not held.take()
        os.kill(os.getpid(), signal.SIGINT)
        signal.getsignal(signal.SIGINT)
        assert held.take() and not held.requested
    # the block ended without raising: the caller answered it
