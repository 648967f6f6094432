"""The "Train a GAN" tab's training rate against the same run's standalone rate:
`python -m benchmarks.live_rate [--seconds 30]`.

Standalone: the tab's default run (DCGAN, non-saturating, its default rates and batch, seed 0) trained in this
process on one thread for `--seconds`, before the tab's run and again after it (the mean): generator updates per second. In the tab: `python app.py` is started, headless
Chromium opens "Train a GAN", presses Start, and after `--seconds` of wall time reads the step the page shows (the
page's own timer polls the server about once a second, as a visitor's does); updates per second of wall time,
counted from the first tick that shows training. The issue's bar: the tab's rate ≥ 90% of the standalone one. Writes
benchmarks/live_rate.json and .md. Not part of the test suite; run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import torch

from benchmarks.gan2d_frames import FLAGS
from benchmarks.inpage import free_port
from ganapp.families.gantrain.live import LiveRun

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r"Step \*{0,2}(\d+)")


def standalone_rate(seconds: float) -> float:
    torch.set_num_threads(1)
    run = LiveRun("dcgan", "nonsaturating", 0)
    run.train_for(2.0)                      # warm-up, as the tab's process has by its first shown step
    steps, start = run.step, time.perf_counter()
    run.train_for(seconds)
    return (run.step - steps) / (time.perf_counter() - start)


def page_step(page) -> int:
    match = STEP.search(page.locator("#gantrain-status").inner_text())
    return int(match.group(1)) if match else 0


def tab_rate(seconds: float) -> tuple[float, str]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "GRADIO_SERVER_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            for _ in range(120):
                try:
                    page.goto(f"http://127.0.0.1:{port}/?tab=gantrain")
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(1)
            page.get_by_role("button", name="▶ Start").click()
            page.wait_for_function("() => /Step \\D*[1-9]/.test(document.querySelector('#gantrain-status').innerText)",
                                   timeout=120000)
            first, start = page_step(page), time.perf_counter()
            page.wait_for_timeout(1000 * seconds)
            last, elapsed = page_step(page), time.perf_counter() - start
            status = page.locator("#gantrain-status").inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return (last - first) / elapsed, status


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.live_rate", description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=30.0)
    args = p.parse_args(argv)
    before = standalone_rate(args.seconds)
    in_tab, status = tab_rate(args.seconds)
    after = standalone_rate(args.seconds)   # the machine's own speed drifts by several per cent: its mean is the base
    alone = (before + after) / 2
    results = {"date": str(date.today()), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
               "load_average_at_end": round(os.getloadavg()[0], 2), "seconds": args.seconds,
               "standalone_updates_per_s": round(alone, 2), "standalone_before_after": [round(before, 2), round(after, 2)],
               "tab_updates_per_s": round(in_tab, 2),
               "ratio": round(in_tab / alone, 3), "status": status}
    (ROOT / "benchmarks" / "live_rate.json").write_text(json.dumps(results, indent=1) + "\n")
    text = (f"# The live trainer's rate in the tab ({results['date']})\n\n"
            f"Default run (DCGAN, non-saturating, seed 0), one thread. Standalone: **{results['standalone_updates_per_s']}** "
            f"generator updates/s (the mean of {before:.2f} before and {after:.2f} after the tab's run); in the tab, read from the page over {args.seconds:g} s of wall time while its timer "
            f"polled the server: **{results['tab_updates_per_s']}** updates/s, **{100 * results['ratio']:.0f}%** of "
            f"standalone (bar: ≥ 90%). `python -m benchmarks.live_rate --seconds {args.seconds:g}`, {results['machine']}.\n")
    (ROOT / "benchmarks" / "live_rate.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
