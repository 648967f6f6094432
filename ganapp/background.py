"""Training a live run in a process of its own, so that the server keeps its interpreter and, at a higher
priority, its cores.

Why a process and not a thread: a live run's small networks spend most of each step in Python, holding the
interpreter's lock, and on a small machine its step competes for the cores with every visitor's request. In a
thread, either slows the server's other handlers (the cGAN's latency rose 1.6-1.9x while a 2-D run trained). In a
process of its own, at a lower scheduling priority (`NICE`) and on one thread, the run trains flat out when the
machine is free and gives way when a visitor asks for something.

The contract with a run (`gan2d.live.Run2D` follows it):
- `run.settings()`: a JSON-able dict, and `type(run).from_settings(settings)` rebuilds the same run in the child.
- `run.training_parts()`: {name: module, optimiser or torch.Generator}, everything its training state is made of;
  `training_state` / `load_training_state` move it between processes as safetensors bytes (no pickle). A run that
  trains only in children keeps its optimisers in a `LazyOptimizers`, so the server never builds one.
- `run.counters()` / `run.set_counters(dict)`: JSON-able figures that travel with the state (steps, seconds,
  curves).
- `run.PUBLISHED`: names of the modules (within the parts) the server draws from while the child trains, and
  `run.LIVE_COUNTERS`: names of numeric attributes published with them.
- `run.background_step(mode)`: one step in the child; it returns a JSON-able message for the server or None, and
  `run.receive(message)` applies it there.

`train_while(run, mode_now, lock)` is the server's side, run on a thread of its own: a child trains the run while
`mode_now()` names a mode, and `run.training_process` is its `TrainingProcess` meanwhile, from which drawing code
takes the latest weights (`sync`). A `TrainingProcess` starts its child, changes what it does (`set_mode`), copies
what it published into the server's copy of the run (`sync`), and on `stop` takes the child's whole state back, so
the run continues exactly where the child left it (Step, the API, a later Start). A child also stops when the
server's end of its pipe closes (the server went away).
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import threading
import time

import numpy as np
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from torch import nn

from .checks import InvalidInput
from .fork_server import context, main_hidden

NICE = 10                 # the child's scheduling priority below the server's (0 normal, 19 lowest)
log = logging.getLogger(__name__)
HEADER = 8                # float64 slots before the published weights: version, control, then counters
VERSION, CONTROL = 0, 1   # header slots: a seqlock's version (odd while the child writes) and what to do
STOP = 0                  # CONTROL: 0 stops the child; k >= 1 runs mode k - 1 of the run's modes
PUBLISH_EVERY_S = 0.02    # the child publishes its weights at most this often (frames come ~12 times a second)
WATCH_EVERY_S = 0.1       # how often the server's thread asks `mode_now` and applies the child's messages
def run_in_child(fn, *args):
    """`fn(*args)` in a child process of the fork server, on one thread, and its result: what an API call trains
    (a fixed number of steps) never touches the server's memory, whose allocator keeps what training takes. `fn`
    must be a module-level function (the child finds it by name); its arguments and result travel pickled between
    our own two processes. A child that dies (out of memory, say) is a short error for the visitor, not a
    traceback."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()   # started (seconds: it imports torch) before the real main is hidden
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context())
    try:
        with main_hidden():
            future = pool.submit(_on_one_thread, fn, *args)   # the child starts here
        return future.result()
    except BrokenProcessPool:
        log.warning("a training child process ended without a result (%s)", fn.__name__)
        raise InvalidInput("common.training_failed") from None
    finally:
        pool.shutdown()


def _on_one_thread(fn, *args):
    torch.set_num_threads(1)
    return fn(*args)


# --- a run's state as safetensors ------------------------------------------------------------------------------

class OptimizerState:
    """An optimiser's per-parameter state as tensors ("state.<index>.<field>"), standing in for an optimiser that
    was not built: the server hands it from one child to the next untouched."""

    def __init__(self):
        self.tensors: dict[str, torch.Tensor] = {}


class LazyOptimizers:
    """A run's optimisers, built where it first trains (`get`), with the state they were handed (`parts`).

    Why: building a torch optimiser imports torch's compiler stack (torch._dynamo, ~150 MiB of resident memory) on
    first use, and the server's runs train in children; the server only carries their state between them. (The
    tabs' Step buttons train one update in the server itself: the first Step of any run builds them there.)"""

    def __init__(self, build, names: tuple[str, ...] = ("opt_g", "opt_d")):
        self._build, self.names = build, names
        self._built: tuple | None = None
        self._held = {name: OptimizerState() for name in names}

    def parts(self) -> dict:
        """{name: optimiser}, or {name: OptimizerState} until one is built: for `run.training_parts()`."""
        return dict(zip(self.names, self._built)) if self._built is not None else dict(self._held)

    def get(self) -> tuple:
        """The optimisers, built now if they were not, from the state held so far."""
        if self._built is None:
            built = tuple(self._build())
            load_training_state(dict(zip(self.names, built, strict=True)), training_state(self._held))
            self._built, self._held = built, {}
        return self._built


def training_state(parts: dict) -> dict[str, torch.Tensor]:
    """Every tensor of `parts` (modules' state dicts, optimisers' per-parameter state, generators' states), by
    name: "<part>.<key>" for a module, "<part>.state.<index>.<key>" for an optimiser, "<part>" for a generator."""
    tensors = {}
    for name, part in parts.items():
        if isinstance(part, nn.Module):
            tensors.update({f"{name}.{key}": value.detach().clone() for key, value in part.state_dict().items()})
        elif isinstance(part, torch.optim.Optimizer):
            for index, state in part.state_dict()["state"].items():
                tensors.update({f"{name}.state.{index}.{key}": torch.as_tensor(value).clone()
                                for key, value in state.items()})
        elif isinstance(part, OptimizerState):
            tensors.update({f"{name}.{key}": value.clone() for key, value in part.tensors.items()})
        elif isinstance(part, torch.Generator):
            tensors[name] = part.get_state()
        else:
            raise TypeError(f"{name}: cannot hand over a {type(part).__name__}")
    return tensors


def load_training_state(parts: dict, tensors: dict[str, torch.Tensor]) -> None:
    """The inverse of `training_state`, strict: every module key must be there."""
    for name, part in parts.items():
        if isinstance(part, nn.Module):
            prefix = name + "."
            part.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}, strict=True)
        elif isinstance(part, torch.optim.Optimizer):
            state: dict[int, dict] = {}
            prefix = name + ".state."
            for key, value in tensors.items():
                if key.startswith(prefix):
                    index, field = key[len(prefix):].split(".", 1)
                    state.setdefault(int(index), {})[field] = value
            whole = part.state_dict()
            whole["state"] = state
            part.load_state_dict(whole)
        elif isinstance(part, OptimizerState):
            prefix = name + "."
            part.tensors = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        else:
            part.set_state(tensors[name])


def _pack(run) -> bytes:
    return save_tensors(training_state(run.training_parts()), metadata={"counters": json.dumps(run.counters())})


def _unpack(run, blob: bytes) -> None:
    load_training_state(run.training_parts(), load_tensors(blob))
    run.set_counters(json.loads(_metadata(blob)["counters"]))


def _metadata(blob: bytes) -> dict:
    """The safetensors header's __metadata__ (the format: 8 bytes of header length, then the JSON header)."""
    size = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8:8 + size])["__metadata__"]


# --- the published weights -------------------------------------------------------------------------------------

def _published(run) -> list[torch.Tensor]:
    """The floating-point tensors the server draws from, in a fixed order."""
    parts = run.training_parts()
    return [t for name in run.PUBLISHED for t in parts[name].state_dict().values() if t.is_floating_point()]


class _Board:
    """The memory both processes see: the header (float64) and the published weights (float32), two shared arrays
    the child inherits when it starts."""

    def __init__(self, run, arrays=None):
        size = sum(t.numel() for t in _published(run))
        self.arrays = arrays or (context().RawArray("d", HEADER), context().RawArray("f", max(size, 1)))
        self.header = np.frombuffer(self.arrays[0], np.float64)
        self.weights = np.frombuffer(self.arrays[1], np.float32)[:size]


def _child(settings: dict, blob: bytes, arrays, pipe) -> None:
    """The child's life: rebuild the run, train while CONTROL says so, publish, hand the state back on STOP."""
    os.nice(NICE)
    torch.set_num_threads(1)
    module, _, cls = settings["class"].partition(":")
    run = getattr(importlib.import_module(module), cls).from_settings(settings["run"])
    _unpack(run, blob)
    board = _Board(run, arrays)
    tensors = _published(run)
    published_at = -1.0
    try:
        while (control := int(board.header[CONTROL])) != STOP:
            if pipe.poll():                                   # the server only writes on its way out
                break
            message = run.background_step(run.MODES[control - 1])
            if message is not None:
                pipe.send_bytes(json.dumps(message).encode())
            if time.monotonic() - published_at >= PUBLISH_EVERY_S:
                _publish(board, run, tensors)
                published_at = time.monotonic()
        _publish(board, run, tensors)
        pipe.send_bytes(b"state" + _pack(run))
    except (BrokenPipeError, EOFError):
        pass
    finally:
        pipe.close()


def _publish(board: _Board, run, tensors: list[torch.Tensor]) -> None:
    board.header[VERSION] += 1                 # odd: being written
    board.weights[:] = torch.cat([t.detach().reshape(-1) for t in tensors]).numpy()
    for i, name in enumerate(run.LIVE_COUNTERS):
        board.header[2 + i] = getattr(run, name)
    board.header[VERSION] += 1                 # even: whole


class TrainingProcess:
    """One run trained in a child process; see the module's docstring."""

    def __init__(self, run, mode: str, lock: threading.Lock):
        """`lock`: the run's own, held while the server's copy of the run is read or written."""
        assert len(run.LIVE_COUNTERS) <= HEADER - 2
        self.run, self.lock = run, lock
        self.board = _Board(run)
        self._synced = 0.0                 # the published version last copied into the run
        self._final: bytes | None = None   # the child's whole state, once it handed it back
        self._pipe, child_end = context().Pipe()
        settings = {"class": f"{type(run).__module__}:{type(run).__name__}", "run": run.settings()}
        self.set_mode(mode)
        with lock:
            state = _pack(run)
        self.process = context().Process(target=_child, args=(settings, state, self.board.arrays, child_end),
                                         name=f"training-{type(run).__name__}", daemon=True)
        with main_hidden():
            self.process.start()
        child_end.close()

    def set_mode(self, mode: str) -> None:
        self.board.header[CONTROL] = self.run.MODES.index(mode) + 1

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def sync(self, weights: bool = True) -> None:
        """Apply the child's messages, and copy its latest published counters (and weights) into the server's run."""
        with self.lock:
            self._receive()
            self._copy_published(weights)

    def _receive(self) -> None:
        while self._final is None and self._pipe.poll():
            blob = self._pipe.recv_bytes()
            if blob.startswith(b"state"):
                self._final = blob[5:]
            else:
                self.run.receive(json.loads(blob))

    def _copy_published(self, weights: bool) -> None:
        for _ in range(100):   # a seqlock: retry while the child writes
            version = self.board.header[VERSION]
            if version % 2:
                time.sleep(0.0005)
                continue
            counters = self.board.header[2:2 + len(self.run.LIVE_COUNTERS)].copy()
            copied = self.board.weights.copy() if weights and version != self._synced else None
            if self.board.header[VERSION] != version:
                continue
            if version == 0:   # nothing published yet
                return
            for name, value in zip(self.run.LIVE_COUNTERS, counters):
                setattr(self.run, name, type(getattr(self.run, name))(value))
            if copied is not None:
                tensors = _published(self.run)
                for t, chunk in zip(tensors, torch.from_numpy(copied).split([t.numel() for t in tensors])):
                    t.copy_(chunk.reshape(t.shape))
                self._synced = version
            return

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the child after its step in progress and take its whole state back into the run."""
        self.board.header[CONTROL] = STOP
        deadline = time.monotonic() + timeout
        while self._final is None and time.monotonic() < deadline and (self.process.is_alive() or self._pipe.poll()):
            if self._pipe.poll(0.05):
                with self.lock:
                    self._receive()
        with self.lock:
            if self._final is not None:
                _unpack(self.run, self._final)
            else:   # it died or hung: keep what it last published (the optimisers' state stays as it was at Start)
                log.warning("a training process ended without handing its state back (exit code %s)",
                            self.process.exitcode)
                self._copy_published(weights=True)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self._pipe.close()


def train_while(run, mode_now, lock: threading.Lock) -> None:
    """Train `run` in a child process for as long as `mode_now()` (asked every WATCH_EVERY_S) names one of its
    modes, switching modes as it does; when it answers None, or the child dies, take the child's state back."""
    process = None
    try:
        while (mode := mode_now()) is not None:
            if process is None:
                process = run.training_process = TrainingProcess(run, mode, lock)
            elif not process.alive:
                break
            else:
                process.set_mode(mode)
            time.sleep(WATCH_EVERY_S)
            process.sync(weights=False)   # its messages and counters (the seconds trained)
    finally:
        if process is not None:
            process.stop()
            run.training_process = None
