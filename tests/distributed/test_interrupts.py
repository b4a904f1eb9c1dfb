"""w2v.distributed.interrupts: Ctrl-C waits for the end of the round, a second one does not, and the
local cluster's processes start without it."""
import os
import signal
import subprocess
import sys

import pytest

from w2v.cli import _safety
from w2v.distributed.interrupts import StopBetweenRounds, ctrl_c_held


def test_the_first_ctrl_c_waits_for_check_and_the_handler_comes_back():
    before = signal.getsignal(signal.SIGINT)
    with StopBetweenRounds() as stop:
        os.kill(os.getpid(), signal.SIGINT)          # no KeyboardInterrupt here: the round goes on
        assert stop.requested
        with pytest.raises(KeyboardInterrupt):
            stop.check()
        assert not stop.requested
        stop.check()                                 # handed on once, not again
    assert signal.getsignal(signal.SIGINT) is before


def test_check_does_nothing_without_a_signal_and_a_second_ctrl_c_stops_at_once():
    with StopBetweenRounds() as stop:
        stop.check()
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)          # a bytecode boundary: Python runs its handlers


def test_an_ignored_ctrl_c_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with StopBetweenRounds() as stop:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            assert not stop.requested
            stop.check()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_sigterm_is_not_held():
    # it comes to a whole process group too, whose workers end with it: the run must stop at once
    with _safety.sigterm_as_interrupt():
        with StopBetweenRounds() as stop:
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGTERM)
                signal.getsignal(signal.SIGINT)
            assert not stop.requested
        assert _safety.interrupt_status() == 143


def test_a_ctrl_c_still_held_as_the_block_ends_is_not_lost():
    with pytest.raises(KeyboardInterrupt):
        with StopBetweenRounds():
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)
            reached = True
    assert reached


def test_ctrl_c_held_delivers_it_at_the_end_and_processes_started_inside_never_see_it():
    # what the local cluster's worker processes inherit: Ctrl-C blocked from their first instruction
    script = "import signal, sys; sys.stdout.write(str(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_held():
            child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)          # would raise here without the block
            held = True
    assert held and child.stdout == "True", child.stderr
