"""Training in several processes under `accelerate launch` (CPU, gloo): two processes draw different batches
and end with one model, a run resumes with another number of processes, and the one-process path is the old
one (its exact-resume test is in test_training.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from conftest import TINY, free_port, run

from ganapp.registry import MODELS


def launch(processes: int, family: str, run_dir, data, steps: int, *extra: str) -> None:
    """`accelerate launch --multi_gpu --num_processes N -m ganapp.train ...`: on a machine without GPUs,
    Accelerate starts the processes with torchrun and they talk over gloo on the CPU."""
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
           "--num_cpu_threads_per_process", "1", "--main_process_port", str(free_port()),
           "-m", "ganapp.train", family, "--steps", str(steps), "--data", str(data), "--run-dir", str(run_dir),
           "--threads", "1", "--sample-every", "2", "--validate-every", "0", *TINY[family], *extra]
    for _ in range(2):  # the free port may be taken between our check and torchrun's bind: try another
        cmd[cmd.index("--main_process_port") + 1] = str(free_port())
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=240,
                              env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
        if done.returncode == 0 or "address already in use" not in done.stderr.lower():
            break
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.mark.parametrize("family, extra", [("objectives", ("--set", "objective=wgan-gp")),  # GAN + gradient penalty
                                           ("vae", ())])
def test_two_processes_see_different_data_and_end_with_one_model(family, extra, tiny_data, tmp_path):
    launch(2, family, tmp_path, tiny_data, 4, *extra)
    report = json.loads((tmp_path / "processes.json").read_text())
    assert report["processes"] == 2 and report["weights_identical"]
    a, b = report["weight_fingerprints"]
    assert a == b
    first_a, first_b = report["first_step_losses"]
    assert first_a != first_b  # different batches give different losses at the very first step
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log if "validation" not in r] == [4]  # one writer: process 0
    for folder in (tmp_path / "final").iterdir():
        MODELS[folder.name].model_class.from_pretrained(folder)

    # Resume the two-process state in one process, then in two again: it continues from the saved step.
    run(family, tmp_path, tiny_data, 6, "--resume", *extra)
    launch(2, family, tmp_path, tiny_data, 8, "--resume", *extra)
    steps = [json.loads(line)["step"] for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert steps == [4, 6, 8]
    from safetensors import safe_open

    from ganapp.training.loop import STATE_FILE

    with safe_open(tmp_path / STATE_FILE, "pt") as f:
        assert f.metadata()["step"] == "8"


def test_gradient_averaging_hook_gives_the_whole_batch_gradient_with_a_gradient_penalty():
    """The pre-step hook averages two processes' gradients of their half batches: for WGAN-GP's critic loss
    (a double backward) that is exactly the gradient of the whole batch, as one process would compute it."""
    from types import SimpleNamespace

    from ganapp.losses import OBJECTIVES
    from ganapp.training.processes import AcceleratedProcesses

    torch.manual_seed(0)
    d = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    real, fake = torch.randn(8, 1, 4, 4), torch.randn(8, 1, 4, 4)
    draws = torch.Generator().manual_seed(5)  # the penalty's per-sample weights: the halves draw the whole's in turn

    def grads(r, f, generator):
        d.zero_grad()
        OBJECTIVES["wgan-gp"].d_loss(d, r, f, generator)[0].backward()
        return [p.grad.clone() for p in d.parameters()]

    whole = grads(real, fake, torch.Generator().manual_seed(5))
    first, second = grads(real[:4], fake[:4], draws), grads(real[4:], fake[4:], draws)
    other = torch.cat([g.flatten() for g in second])   # what process 1 contributes to the all-reduce
    for p, g in zip(d.parameters(), first):
        p.grad = g.clone()
    processes = object.__new__(AcceleratedProcesses)
    processes.accelerator = SimpleNamespace(reduce=lambda flat, reduction: (flat + other) / 2)
    optimizer = torch.optim.SGD(d.parameters(), lr=0.1)
    processes._average_gradients(optimizer, (), {})
    for p, expected in zip(d.parameters(), whole):
        torch.testing.assert_close(p.grad, expected)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available() or torch.cuda.device_count() < 2, reason="needs two GPUs")
def test_two_gpus_with_synchronised_batch_norm_and_bf16(tiny_data, tmp_path):
    launch(2, "cgan", tmp_path, tiny_data, 4, "--mixed_precision", "bf16")
    assert json.loads((tmp_path / "processes.json").read_text())["weights_identical"]
