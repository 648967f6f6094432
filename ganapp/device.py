"""Where models run: CUDA when present, then Apple's MPS, then the CPU."""
from __future__ import annotations

import os

import torch


def pick_device() -> torch.device:
    """The fastest device this machine has; `GANAPP_DEVICE` overrides (e.g. `cpu`)."""
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
    torch.set_num_threads(n)
