"""Where models run (CUDA when present, then Apple's MPS, then the CPU), on how many threads, and memory given back.

The app imports this module before torch, which it imports only when a model first runs: no torch at the top.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def pick_device() -> torch.device:
    """The fastest device this machine has; `GANAPP_DEVICE` overrides (e.g. `cpu`)."""
    import torch

    forced = os.environ.get("GANAPP_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_cpu_threads(n: int | None = None) -> None:
    """Use `n` intra-op threads (default: `GANAPP_THREADS`, else every core).

    Two background trainings on a 2-core machine each run best on one thread:
    oversubscribed cores slow both down far more than sharing them politely.
    """
    n = n or int(os.environ.get("GANAPP_THREADS", "0")) or os.cpu_count() or 1
    os.environ["OMP_NUM_THREADS"] = str(n)   # what torch starts with, when it is imported later
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


MMAP_THRESHOLD_BYTES = 16 * 2**20


ARENAS = 2               # glibc malloc arenas: one per thread by default (up to 8 per core), each fragmenting alone
_trimming = threading.Lock()
TRIM_EVERY_S = 30.0      # how often the server hands freed pages inside its heaps back to the system


def return_freed_memory() -> bool:
    """Make glibc give freed memory back to the system, for a server that runs for days.

    glibc serves blocks above a threshold with their own mmap, returned on free, but raises that threshold (up to
    32 MiB) each time such a block is freed; after a few model calls the large activations of the next ones come
    from the heap, which fragments and is rarely returned: the server's resident memory then grows with every
    visit (1,299 -> 1,478 MiB over 4 page visits, benchmarks/session.py). Fixing the threshold (`mallopt`, as
    `MALLOC_MMAP_THRESHOLD_` would) keeps it flat (1,055 -> 1,066 MiB). Below the threshold, each of Gradio's worker
    threads would get an arena of its own, each keeping its own free pages: two arenas, and every TRIM_EVERY_S a
    `malloc_trim`, which returns the free pages inside them (5 minutes of the session benchmark's mixed use: peak
    1,040 -> 929 MiB). True where it took effect (glibc only).
    """
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
    except OSError:   # not glibc (macOS, Windows, musl): their allocators do not keep the threshold
        return False
    m_mmap_threshold, m_arena_max = -3, -8   # from malloc.h
    ok = [bool(libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD_BYTES)), bool(libc.mallopt(m_arena_max, ARENAS))]

    def trim() -> None:
        while True:
            time.sleep(TRIM_EVERY_S)
            libc.malloc_trim(0)

    with _trimming:   # one thread, however often (and from however many threads) this is called
        if not any(t.name == "malloc-trim" for t in threading.enumerate()):
            threading.Thread(target=trim, name="malloc-trim", daemon=True).start()
    return all(ok)
