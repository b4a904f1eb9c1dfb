"""w2v.distributed.interrupts: the local cluster's processes start without Ctrl-C."""
import os
import signal
import subprocess
import sys

import pytest

from w2v.distributed.interrupts import ctrl_c_blocked


def test_ctrl_c_blocked_delivers_it_at_the_end_and_processes_started_inside_never_see_it():
    # what the local cluster's worker processes inherit: Ctrl-C blocked from their first instruction
    script = "import signal, sys; sys.stdout.write(str(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_blocked():
            child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
            os.kill(os.getpid(), signal.SIGINT)
            signal.getsignal(signal.SIGINT)          # would raise here without the block
            held = True
    assert held and child.stdout == "True", child.stderr
