"""The fork server every live run's child process starts from: one process that has imported torch (and the runs'
modules) once, so that a child starts in a fraction of a second without forking the server's threads.

No torch here: the tabs start the fork server while the page is built, before the server imports torch
(`ganapp.background`, which trains in the children, does)."""
from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from contextlib import contextmanager

WARM_UP_AFTER_S = 10.0    # the tabs start the fork server this long after they are built (the app is up by then)
PRELOAD = ["torch", "torch._dynamo", "ganapp.background"]   # imported once in the fork server (torch's optimisers
# import torch._dynamo on first use: seconds, which every child would otherwise spend before its first step)
_context = None
_context_lock = threading.Lock()


def context():
    """The multiprocessing context of every child: the fork server, with PRELOAD imported in it."""
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        return _context


def warm_up(*modules: str, after_s: float = 0.0) -> None:
    """Start the fork server, with `modules` (the runs' own) imported in it too, so that the first Start does not
    wait for imports: the tabs call this when built, `after_s` seconds later so that its imports do not compete
    with the app's own start-up (a Start before then starts the server itself, a few seconds slower)."""
    PRELOAD.extend(m for m in modules if m not in PRELOAD)
    context()

    def start() -> None:
        from multiprocessing import forkserver
        forkserver.ensure_running()

    if after_s <= 0:
        start()
    else:
        timer = threading.Timer(after_s, start)
        timer.daemon = True
        timer.start()


@contextmanager
def main_hidden():
    """multiprocessing imports the main script again in each child, for functions defined there. Ours are all
    in importable modules, and `python app.py` as main would build the whole app again in every child: hide it."""
    with _context_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main
