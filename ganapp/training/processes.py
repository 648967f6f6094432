"""Training in one process, or in several under Hugging Face Accelerate (`accelerate launch -m ganapp.train ...`).

The loop asks `current()` what it runs in and calls the same few methods either way; in one process they do
nothing, so `python -m ganapp.train` works exactly as it always has.

How several processes stay one model (data parallelism):
- Every process builds the recipe from the same seed; process 0's weights and buffers are then broadcast, so
  all start identical. Each process then draws *its own* batches: its data generator and torch's global
  random state are re-seeded by rank (noise differs too).
- Gradients are averaged over processes in a pre-step hook on every optimiser, i.e. just before each
  `optimizer.step()`. Why not DistributedDataParallel's backward hooks: GAN recipes call a network several
  times before one backward (D on real and on generated images), backpropagate through a network they do not
  step (G's loss through D), and WGAN-GP takes `torch.autograd.grad` with `create_graph=True`; DDP needs
  `no_sync`, `static_graph` or is simply wrong in those cases, while averaging what sits in `.grad` when an
  optimiser steps is right for all of them, penalty included (the mean over processes of per-process
  means is the mean over the global batch). The price is no overlap of communication with the backward
  pass, which our small networks do not notice.
- Batch norm: on GPUs, BatchNorm layers become SyncBatchNorm (statistics over the global batch). PyTorch's
  SyncBatchNorm does not run on CPUs, so there each process normalises its own batch, as DDP does by
  default; either way every floating-point buffer (running statistics, StyleGAN's average w) is averaged
  after every step, so all processes hold the same model (an image history is each process's own).
- Only process 0 logs, draws sample grids, validates, saves the training state and exports.
  The state is ours (safetensors, no pickle); a run resumes with any number of processes.
- Mixed precision (bf16) comes from `accelerate launch --mixed_precision bf16` on devices that support it;
  on CPUs it is always off.
"""
from __future__ import annotations

import contextlib
import os

import torch
from torch import nn

RANK_STRIDE = 1_000_003   # seeds of different ranks lie this far apart


def launched_by_accelerate() -> bool:
    """True under `accelerate launch` (and torchrun): the launcher sets these."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1 or "ACCELERATE_MIXED_PRECISION" in os.environ


class OneProcess:
    """Plain `python -m ganapp.train`: nothing to share with anyone."""

    rank, world, is_main = 0, 1, True

    def device(self, default: torch.device) -> torch.device:
        return default

    def autocast(self):
        return contextlib.nullcontext()

    def attach(self, recipe, seed: int, data_gen: torch.Generator, step: int = 0) -> None:
        pass

    def after_step(self, recipe) -> None:
        pass

    def gather(self, tensor: torch.Tensor) -> list[torch.Tensor]:
        return [tensor]

    def wait(self) -> None:
        pass


class AcceleratedProcesses(OneProcess):
    """Several processes started by `accelerate launch`; see the module's docstring."""

    def __init__(self):
        from accelerate import Accelerator

        on_cpu = os.environ.get("ACCELERATE_USE_CPU", "false").lower() in ("1", "true") or not torch.cuda.is_available()
        self.accelerator = Accelerator(cpu=on_cpu, mixed_precision="no" if on_cpu else None)
        if self.accelerator.mixed_precision == "fp16":  # would need loss scaling inside every recipe's step
            raise SystemExit("ganapp trains in bf16 or full precision: use --mixed_precision bf16 (or no)")
        self.rank, self.world = self.accelerator.process_index, self.accelerator.num_processes
        self.is_main = self.accelerator.is_main_process

    def device(self, default: torch.device) -> torch.device:
        return self.accelerator.device

    def autocast(self):
        return self.accelerator.autocast()

    def attach(self, recipe, seed: int, data_gen: torch.Generator, step: int = 0) -> None:
        """Make every process start from process 0's networks, average gradients at each optimiser step, and give
        each process its own random streams (re-derived from `step` when a run resumes)."""
        import torch.distributed as dist

        if self.world == 1:  # e.g. one GPU with --mixed_precision bf16: autocast only, nothing to share
            return
        for module in recipe.modules.values():
            if self.accelerator.device.type == "cuda":
                nn.SyncBatchNorm.convert_sync_batchnorm(module)  # in place below the top level; same Parameters
            for tensor in [*module.parameters(), *module.buffers()]:
                dist.broadcast(tensor.data, src=0)
        for optimizer in recipe.optimizers.values():
            optimizer.register_step_pre_hook(self._average_gradients)
        torch.manual_seed(seed + RANK_STRIDE * self.rank + step)
        data_gen.manual_seed(seed + 1 + RANK_STRIDE * self.rank + step)

    def _average_gradients(self, optimizer: torch.optim.Optimizer, args, kwargs) -> None:
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if grads:
            flat = torch.cat([g.reshape(-1) for g in grads])
            flat = self.accelerator.reduce(flat, "mean")
            for g, chunk in zip(grads, flat.split([g.numel() for g in grads])):
                g.copy_(chunk.view_as(g))

    def after_step(self, recipe) -> None:
        """Average the floating-point buffers (batch norm's running statistics, StyleGAN's average w, ...), so that
        every process holds the same model; modules marked `per_process_state` (an image history) keep their own."""
        if self.world == 1:
            return
        shared = [b for module in recipe.modules.values() for m in module.modules()
                  if not getattr(m, "per_process_state", False)
                  for b in m.buffers(recurse=False) if b.is_floating_point()]
        if shared:
            flat = self.accelerator.reduce(torch.cat([b.reshape(-1) for b in shared]), "mean")
            for b, chunk in zip(shared, flat.split([b.numel() for b in shared])):
                b.copy_(chunk.view_as(b))

    def gather(self, tensor: torch.Tensor) -> list[torch.Tensor]:
        """`tensor` (same shape everywhere) from every process, in rank order."""
        return list(self.accelerator.gather(tensor.to(self.accelerator.device).unsqueeze(0)).cpu())

    def wait(self) -> None:
        self.accelerator.wait_for_everyone()


def current() -> OneProcess:
    return AcceleratedProcesses() if launched_by_accelerate() else OneProcess()
