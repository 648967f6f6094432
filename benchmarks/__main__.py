"""The performance benchmark: `python -m benchmarks [--calls N] [--out benchmarks/results.md]`.

What users feel, side by side with the framework's floor, on one machine in one run:
- per API endpoint, p50/p95 latency through gradio_client against `python app.py`, for 1 client and
  16 concurrent clients, beside a no-op endpoint of the same app, and the ratio;
- model-only time per call, CycleGAN at 256 and 512 beside the paper's 9-block/64-filter generator;
- cold start (from `python app.py` to the first successful call);
- the server's resident memory over two consecutive windows of 500 mixed, distinct calls, after warm-up
  (the first window still grows one-off pools and caches; the second shows a leak, if any).
Not part of the test suite.
"""
from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import psutil
import torch

from ganapp.reports import splice_readme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ganapp" / "assets" / "examples" / "photo_coffee.jpg"


def percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s), s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def time_call(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


# --- model-only -------------------------------------------------------------------------------

def model_only(repeat: int) -> list[list]:
    from PIL import Image

    import ganapp
    from ganapp.families.cgan.inference import cgan_generate, cgan_samples
    from ganapp.families.cyclegan.inference import cyclegan_translate
    from ganapp.families.cyclegan.model import CycleGANConfig, CycleGANGenerator
    from ganapp.families.infogan.inference import infogan_generate
    from ganapp.families.text2digit.inference import text_to_digit
    from ganapp.families.vae.inference import vae_interpolate
    rows = []
    cases = {
        "cGAN, 1 digit (generator only)": lambda: cgan_samples(3, 1, 0),
        "cGAN, /cgan_generate(3, 16, 0) incl. grid": lambda: cgan_generate(3, 16, 0),
        "InfoGAN, /infogan_generate(7, 0.5, -1, 0)": lambda: infogan_generate(7, 0.5, -1, 0),
        "VAE, /vae_interpolate(3, 8, 10, 0, lerp)": lambda: vae_interpolate(3, 8, 10, 0, "lerp"),
        "Text to digit, /text_to_digit('一个向右倾斜的粗体7', 16, 0)": lambda: text_to_digit("一个向右倾斜的粗体7", 16, 0),
    }
    for name, fn in cases.items():
        p50, p95 = percentiles(time_call(fn, repeat))
        rows.append([name, f"{p50:.1f}", f"{p95:.1f}", ""])
    ours = ganapp.load("cyclegan_photo2monet")
    reference = CycleGANGenerator(CycleGANConfig(base_filters=64, n_blocks=9, upsample="transpose")).eval()
    for size in (256, 512):
        x = torch.rand(1, 3, size, size) * 2 - 1
        with torch.inference_mode():
            ours_ms = percentiles(time_call(lambda: ours(x), max(3, repeat // 10)))
            ref_ms = percentiles(time_call(lambda: reference(x), 3))
        rows.append([f"CycleGAN generator {size}×{size} (ours)", f"{ours_ms[0]:.1f}", f"{ours_ms[1]:.1f}",
                     f"reference 9 blocks/64 filters: {ref_ms[0]:.0f} ms, ours = {ours_ms[0] / ref_ms[0]:.2f}×"])
    img = Image.open(EXAMPLE)
    p50, p95 = percentiles(time_call(lambda: cyclegan_translate(img, "photo2monet"), max(3, repeat // 10)))
    rows.append([f"CycleGAN /cyclegan_translate {img.width}×{img.height} incl. decode/pad/encode", f"{p50:.1f}", f"{p95:.1f}", ""])
    return rows


# --- through the server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> tuple[subprocess.Popen, float]:
    """`python app.py` with the benchmark's no-op endpoint; returns it and the cold-start seconds."""
    from gradio_client import Client

    env = {**os.environ, "GANAPP_BENCHMARK": "1", "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while True:
        try:
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict(3, 1, 0, api_name="/cgan_generate")
            return proc, time.perf_counter() - t0
        except Exception:
            if proc.poll() is not None or time.perf_counter() - t0 > 120:
                raise RuntimeError("the app did not start")
            time.sleep(0.1)


ENDPOINTS = {
    "/noop (floor)": ("/noop", lambda: (1,)),
    "/cgan_generate": ("/cgan_generate", lambda: (3, 16, 0)),
    "/infogan_generate": ("/infogan_generate", lambda: (7, 0.5, -1.0, 0)),
    "/vae_interpolate": ("/vae_interpolate", lambda: (3, 8, 10, 0, "lerp")),
    "/text_to_digit": ("/text_to_digit", lambda: ("a thick seven leaning right", 16, 0)),
    "/cyclegan_translate": ("/cyclegan_translate", None),
}


def endpoint_latencies(url: str, calls: int, clients: int) -> dict[str, tuple[float, float, int]]:
    from gradio_client import Client, handle_file

    pool = [Client(url, verbose=False) for _ in range(clients)]
    results = {}
    for label, (api, args) in ENDPOINTS.items():
        make_args = args or (lambda: (handle_file(str(EXAMPLE)), "photo2monet"))
        n = calls if args else max(clients, calls // 5)

        def one(i):
            t = time.perf_counter()
            try:
                pool[i % clients].predict(*make_args(), api_name=api)
                return (time.perf_counter() - t) * 1000, None
            except Exception as e:  # counted, not raised: errors are a figure too
                return (time.perf_counter() - t) * 1000, e

        one(0)  # warm-up
        with ThreadPoolExecutor(clients) as ex:
            out = list(ex.map(one, range(n)))
        p50, p95 = percentiles([ms for ms, _ in out])
        results[label] = (p50, p95, sum(e is not None for _, e in out))
    return results


def browser_slider_latency(url: str, moves: int = 20) -> list[float] | None:
    """ms from an InfoGAN slider keypress to the new image on the page, in headless Chromium."""
    import shutil

    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#infogan-sample img", timeout=30000)
        slider = page.locator("input[type=range]").first
        slider.focus()
        for i in range(moves):
            before = page.locator("#infogan-sample img").get_attribute("src")
            t = time.perf_counter()
            slider.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            page.wait_for_function(
                "b => { const i = document.querySelector('#infogan-sample img'); return i && i.src !== b && i.complete; }",
                arg=before, timeout=10000)
            out.append((time.perf_counter() - t) * 1000)
        browser.close()
    return out


def mixed_calls(url: str, n: int, first_seed: int) -> None:
    """`n` calls spread over the MNIST endpoints, each with inputs no earlier call had (seeds from `first_seed`)."""
    from gradio_client import Client

    c = Client(url, verbose=False)
    for i in range(n):
        seed = first_seed + i
        api, args = [("/cgan_generate", (i % 10, 1 + i % 16, seed)), ("/infogan_generate", (i % 10, 0.1, -0.2, seed)),
                     ("/vae_interpolate", (i % 10, 9 - i % 10, 6, seed, "slerp")),
                     ("/text_to_digit", ("a thick seven leaning right" if i % 2 else "一个细的三", 4, seed))][i % 4]
        c.predict(*args, api_name=api)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("--calls", type=int, default=60, help="calls per endpoint and client setting")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = p.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)

    lines = [f"# Benchmark — {date.today().isoformat()}", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
             f"torch {torch.__version__}, CUDA: {torch.cuda.is_available()}. Command: `python -m benchmarks --calls {args.calls}`.", ""]

    lines += ["## Model only (no HTTP), ms per call", "", "| case | p50 | p95 | note |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in model_only(max(20, args.calls))]

    port = free_port()
    proc, cold = start_server(port)
    try:
        server = psutil.Process(proc.pid)
        url = f"http://127.0.0.1:{port}/"
        single = endpoint_latencies(url, args.calls, 1)
        many = endpoint_latencies(url, args.calls, 16)
        rss = [server.memory_info().rss / 2**20]  # after warm-up: every endpoint used, by 1 and 16 clients
        for window in range(2):
            mixed_calls(url, 500, first_seed=1000 + 500 * window)
            rss.append(server.memory_info().rss / 2**20)
        slider = browser_slider_latency(url)
    finally:
        proc.terminate()
        proc.wait(10)

    floor1 = single["/noop (floor)"][0]
    lines += ["", "## Through the server (gradio_client → `python app.py`), ms", "",
              "| endpoint | 1 client p50 | p95 | ÷ floor p50 | 16 clients p50 | p95 | p95 ÷ 1-client p50 | errors |",
              "|---|---|---|---|---|---|---|---|"]
    for label in ENDPOINTS:
        s, m = single[label], many[label]
        lines.append(f"| {label} | {s[0]:.0f} | {s[1]:.0f} | {s[0] / floor1:.2f} | {m[0]:.0f} | {m[1]:.0f} | "
                     f"{m[1] / s[0]:.2f} | {s[2] + m[2]} |")
    lines += ["", "## Start and memory", "",
              f"- Cold start, `python app.py` to the first successful call: **{cold:.1f} s**",
              f"- Server resident memory after warm-up (every endpoint, 1 and 16 clients): **{rss[0]:.0f} MiB**; "
              f"after a first window of 500 mixed, distinct calls: {rss[1]:.0f} MiB ({rss[1] - rss[0]:+.0f} MiB); after a "
              f"second: **{rss[2]:.0f} MiB ({rss[2] - rss[1]:+.0f} MiB)** (target: second window ≤ +10 MiB)",
              "- Browser, InfoGAN slider moved 20 times in headless Chromium, keypress → new image drawn: " + (
                  f"p50 **{percentiles(slider)[0]:.0f} ms**, p95 {percentiles(slider)[1]:.0f} ms" if slider
                  else "not measured (needs playwright and Debian's chromium)"), ""]
    text = "\n".join(lines)
    args.out.write_text(text + "\n")
    body = "\n".join(lines[2:])  # the README's section has its own heading
    splice_readme("benchmark", f"Latest run, {date.today().isoformat()}:\n\n" + body)
    print(text)


if __name__ == "__main__":
    main()
