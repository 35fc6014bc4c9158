"""Ctrl-C held until a safe moment: `held_ctrl_c`.

Python runs its SIGINT handler at the next bytecode of the main thread, wherever that is. Two
places where that goes wrong in this package's stack:

- inside asap3's C++ integrator loop, where the next bytecode can be asap3's own call into the
  atoms object: the KeyboardInterrupt comes out as `AsapError: Failed to extract data from
  the atoms object`, or a segmentation fault (`aucluster.md.runner`);
- inside the imports of a command (scipy, matplotlib, ase: seconds): a KeyboardInterrupt in a
  pybind11 module's initialisation comes out as `ImportError: initialization failed`; one in
  scipy's ``exec("from numpy import *")`` leaves CPython's process-wide "unhandled
  KeyboardInterrupt" flag set, so the process kills itself with SIGINT at exit (−2) whatever
  it was caught as; and about one Ctrl-C in fifty there was lost without a trace
  (`aucluster.cli`).
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class CtrlC:
    """Whether a Ctrl-C came while held (`pressed`)."""

    pressed: bool = False


@contextmanager
def held_ctrl_c() -> Iterator[CtrlC]:
    """Hold a Ctrl-C (SIGINT) inside the block: it sets `pressed` on the yielded object, and
    is raised as KeyboardInterrupt when the block ends (or earlier, where the block checks
    `pressed` itself). A second Ctrl-C interrupts at once. Only where Python's own handler is
    installed, in the main thread (a Dask worker thread, or a program with its own handler,
    keeps its own behaviour and `pressed` stays False)."""
    state = CtrlC()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield state
        return

    def hold(signum: int, frame: Any) -> None:
        if state.pressed:
            raise KeyboardInterrupt
        state.pressed = True

    signal.signal(signal.SIGINT, hold)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if state.pressed:
        raise KeyboardInterrupt
