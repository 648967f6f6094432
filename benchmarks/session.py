"""A visitor's session, as a user meets it: `python -m benchmarks.session [--minutes 60] [--starts 3]`.

- **Ready**: seconds from `python app.py` until a headless Chromium on its address shows the tab bar (and, second
  figure, the first tab's picture). Started `--starts` times; the median is reported, and the first start (whose
  files may not be in the page cache yet) on its own.
- **Memory over mixed use**: one server for `--minutes`, used the whole time the way visitors use it: every public
  endpoint with inputs no earlier call had (CycleGAN both ways on the example photo, `/gan_train` and
  `/gan2d_train` runs included), and every few minutes a browser page that starts the "Train a GAN" tab's live run
  for half a minute and leaves. The server's resident memory is read every 20 s, with its children's (a live run
  trains in a child process) beside it.

Bars (issue #34, item 11): ready ≤ 6 s on an idle machine; the server's resident memory ≤ 1.3 GB (1.3e9 bytes) and
flat over the last half of the run (last ten readings' mean minus the first ten's of that half ≤ 20 MiB).
`--minutes 0` times the starts only and keeps the last hour-long run's memory figures, saying so.
Writes benchmarks/session.{md,json} and the README's `session` section. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import psutil

from benchmarks.__main__ import EXAMPLE, ROOT, free_port
from ganapp.reports import splice_readme

READY_BAR_S, MEMORY_BAR_BYTES, FLAT_BAR_MIB = 6.0, 1.3e9, 20.0
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch(port: int) -> subprocess.Popen:
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_until_served(proc: subprocess.Popen, port: int, timeout_s: float = 120) -> None:
    """Until the app `proc` answers on `port`: asked every 50 ms with a plain HTTP request."""
    t0 = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
            return
        except OSError:
            if proc.poll() is not None or time.perf_counter() - t0 > timeout_s:
                raise RuntimeError("the app did not start") from None
            time.sleep(0.05)


def ready_seconds(browser, port: int) -> tuple[float, float]:
    """(tab bar shown, first tab's picture shown), seconds from `python app.py`. The page is opened once the server
    answers, as a visitor opens it once the app prints its address: asked every 50 ms with a plain HTTP request, not
    by reloading the browser, whose retries took the CPU the server needed to start (15 s instead of 7 here)."""
    t0 = time.perf_counter()
    proc, page = launch(port), browser.new_page()
    try:
        wait_until_served(proc, port)
        page.goto(f"http://127.0.0.1:{port}/", timeout=60000)
        page.wait_for_selector("button[role=tab]", timeout=180000)
        tabs = time.perf_counter() - t0
        # Drawn in the page once its model is fetched (`data-drawn`), or by the server where the page cannot.
        page.wait_for_selector(".tabitem:visible canvas[data-drawn], #infogan-sample img", timeout=180000)
        return tabs, time.perf_counter() - t0
    finally:
        page.close()
        proc.terminate()
        proc.wait(20)


def calls(i: int):
    """The i-th call of the mixed use: (endpoint, inputs), a new seed each time, every endpoint in turn."""
    from gradio_client import handle_file

    seed = 10_000 + i
    return [("/cgan_generate", (i % 10, 1 + i % 64, seed)), ("/infogan_generate", (i % 10, 0.5, -1.0, seed)),
            ("/vae_interpolate", (i % 10, 9 - i % 10, 10, seed, ["lerp", "slerp", "even"][i % 3])),
            ("/text_to_digit", ("a thick seven leaning right" if i % 2 else "一个细的三", 16, seed)),
            ("/latent_decode", (["vae2d", "ae2d"][i % 2], (i % 97) / 97, (i % 89) / 89)),
            ("/denoise", ((i % 10) / 10, seed)), ("/objective_samples", ("hinge", seed)),
            ("/stylegan_mix", (seed, seed + 1, ["coarse", "middle", "fine"][i % 3], 0.7)),
            ("/cyclegan_translate", (handle_file(str(EXAMPLE)), ["photo2monet", "monet2photo"][i % 2])),
            ("/gan_train", ("dcgan", "nonsaturating", 100, seed)),
            ("/gan2d_train", ("ring8", "nonsaturating", 500, seed))][i % 11]


def visit_and_train(browser, url: str, seconds: float) -> None:
    """A visitor who opens the page, starts the live trainer, watches it and leaves."""
    page = browser.new_page()
    try:
        page.goto(url)
        page.get_by_role("tab", name="Train a GAN").click()
        page.locator(".tabitem:visible").first.get_by_role("button", name="▶ Start").click()
        page.wait_for_timeout(seconds * 1000)
    finally:
        page.close()


def rss_mib(proc: psutil.Process) -> tuple[float, float]:
    """(the server's resident memory, with its children's added), MiB."""
    own = proc.memory_info().rss
    children = 0
    for c in proc.children(recursive=True):
        try:
            children += c.memory_info().rss
        except psutil.Error:
            pass
    return own / 2**20, (own + children) / 2**20


def mixed_use(browser, port: int, minutes: float, pause_s: float, every_s: float = 20.0,
              visit_every_s: float = 300.0) -> dict:
    from gradio_client import Client

    proc = launch(port)
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    while True:
        try:
            client = Client(url, verbose=False)
            break
        except Exception:
            if proc.poll() is not None or time.perf_counter() - t0 > 120:
                raise RuntimeError("the app did not start") from None
            time.sleep(0.2)
    server, readings, errors, done = psutil.Process(proc.pid), [], [], threading.Event()
    n_calls = [0]

    def visitor():
        i = 0
        while not done.is_set():
            api, inputs = calls(i)
            try:
                client.predict(*inputs, api_name=api)
            except Exception as e:  # counted, not raised: an error is a figure too
                errors.append(f"{api}: {e}")
            n_calls[0] += 1
            i += 1
            done.wait(pause_s)   # a visitor looks at the picture before the next click

    worker = threading.Thread(target=visitor, daemon=True)
    start, next_visit = time.perf_counter(), 30.0
    worker.start()
    try:
        while (elapsed := time.perf_counter() - start) < minutes * 60:
            readings.append((round(elapsed, 1), *[round(m, 1) for m in rss_mib(server)]))
            if elapsed >= next_visit:
                visit_and_train(browser, url, 30)
                next_visit += visit_every_s
            time.sleep(max(0.0, every_s - (time.perf_counter() - start - elapsed)))
        readings.append((round(time.perf_counter() - start, 1), *[round(m, 1) for m in rss_mib(server)]))
    finally:
        done.set()
        worker.join(120)
        proc.terminate()
        proc.wait(20)
    return {"readings": readings, "calls": n_calls[0], "errors": errors[:20], "n_errors": len(errors)}


def summary(use: dict) -> dict:
    r = use["readings"]
    half = [x for x in r if x[0] >= r[-1][0] / 2]
    own = [x[1] for x in r]
    tens = {}   # the server's readings by ten-minute window: a trend the reading-to-reading noise (±30 MiB) hides
    windows = max(1, round(r[-1][0] / 600))   # the reading after the last full window joins it
    for x in r:
        tens.setdefault(min(int(x[0] // 600), windows - 1), []).append(x[1])
    return {"peak_mib": max(own), "peak_with_children_mib": max(x[2] for x in r), "last_mib": own[-1],
            "second_half_growth_mib": statistics.mean(x[1] for x in half[-10:]) - statistics.mean(x[1] for x in half[:10]),
            "ten_minute_means_mib": [round(statistics.mean(v)) for _, v in sorted(tens.items())]}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.session")
    p.add_argument("--minutes", type=float, default=60)
    p.add_argument("--starts", type=int, default=3)
    p.add_argument("--pause", type=float, default=1.0, help="seconds between a visitor's calls")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "session.md")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        starts = [ready_seconds(browser, free_port()) for _ in range(args.starts)]
        use = mixed_use(browser, free_port(), args.minutes, args.pause) if args.minutes > 0 else None
        browser.close()
    tabs = [s[0] for s in starts]
    result = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "load_average_at_start": load, "starts": starts, "ready_median_s": statistics.median(tabs),
              "picture_median_s": statistics.median(s[1] for s in starts), "minutes": args.minutes,
              "pause_s": args.pause}
    if use:
        result |= {"use": use, **summary(use)}
    elif (previous := _previous(args.out)) and "use" in previous:   # starts re-timed: the last hour's memory kept
        result |= {k: previous[k] for k in ("use", *summary(previous["use"]))}
        result["memory_run"] = previous.get("memory_run") or {k: previous[k] for k in (
            "date", "load_average_at_start", "minutes", "pause_s")}
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    body = report(result)
    args.out.write_text(f"# A visitor's session ({result['date']})\n\n{body}\n")
    splice_readme("session", body)
    print(body)


def _previous(out: Path) -> dict:
    path = out.with_suffix(".json")
    return json.loads(path.read_text()) if path.is_file() else {}


def report(r: dict) -> str:
    loaded = (f"load average {r['load_average_at_start']:.2f} at the start"
              + (" (other work shared the cores)" if r["load_average_at_start"] > 1 else " (idle)"))
    lines = [f"Machine: {r['machine']}, {loaded}. Command: `python -m benchmarks.session --minutes {r['minutes']:g} "
             f"--starts {len(r['starts'])} --pause {r['pause_s']:g}`.", "",
             f"- **Ready**: `python app.py` until the page shows its tabs, in headless Chromium: median "
             f"**{r['ready_median_s']:.1f} s** over {len(r['starts'])} starts (first start {r['starts'][0][0]:.1f} s; "
             f"each: {', '.join(f'{s[0]:.1f}' for s in r['starts'])} s); the first tab's picture at "
             f"{r['picture_median_s']:.1f} s. Bar ≤ {READY_BAR_S:g} s on an idle machine: "
             + ("met." if r["ready_median_s"] <= READY_BAR_S else "**missed**.")]
    if "use" in r:
        u, run = r["use"], r.get("memory_run", r)
        if "memory_run" in r:
            lines.append(f"- The memory below is the last hour-long run's ({run['date']}, load average "
                         f"{run['load_average_at_start']:.2f} at its start: `python -m benchmarks.session --minutes "
                         f"{run['minutes']:g} --pause {run['pause_s']:g}`); `--minutes 0` re-times the starts only.")
        lines.append(
            f"- **Memory** over {run['minutes']:g} minutes of mixed use ({u['calls']:,} calls to the 11 public endpoints, "
            f"CycleGAN and the training endpoints among them, {run['pause_s']:g} s apart, {u['n_errors']} errors; a "
            f"live run started in the browser every 5 minutes): the server's resident memory peaked at **{r['peak_mib']:,.0f} MiB** "
            f"(with its live-training child: {r['peak_with_children_mib']:,.0f} MiB), ended at {r['last_mib']:,.0f} "
            f"MiB, and grew **{r['second_half_growth_mib']:+.0f} MiB** over the last half (mean of its last ten "
            f"readings less that of its first ten; the means of each ten minutes: "
            f"{', '.join(f'{m:,}' for m in r['ten_minute_means_mib'])} MiB). Bars ≤ "
            f"{MEMORY_BAR_BYTES / 2**20:,.0f} MiB (1.3 GB) and ≤ {FLAT_BAR_MIB:g} MiB of growth: "
            + ("met." if r["peak_mib"] * 2**20 <= MEMORY_BAR_BYTES and r["second_half_growth_mib"] <= FLAT_BAR_MIB
               else "**missed**."))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
