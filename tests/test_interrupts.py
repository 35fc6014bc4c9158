"""`held_ctrl_c`: a Ctrl-C inside the block waits for its end; a second one does not."""

import os
import signal
import time

import pytest

from aucluster.interrupts import held_ctrl_c

pytestmark = pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="needs Python's own SIGINT handler (this runner installed another)",
)


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # Python runs the handler at the next bytecode


def test_a_held_ctrl_c_is_raised_when_the_block_ends():
    reached = []

    def block() -> None:
        with held_ctrl_c() as ctrl_c:
            _ctrl_c()
            reached.append(ctrl_c.pressed)

    with pytest.raises(KeyboardInterrupt):
        block()
    assert reached == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_interrupts_at_once():
    reached = []

    def block() -> None:
        with held_ctrl_c():
            _ctrl_c()
            reached.append("after the first")
            _ctrl_c()
            reached.append("after the second")

    with pytest.raises(KeyboardInterrupt):
        block()
    assert reached == ["after the first"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_a_ctrl_c_nothing_is_raised():
    with held_ctrl_c() as ctrl_c:
        pass
    assert not ctrl_c.pressed
