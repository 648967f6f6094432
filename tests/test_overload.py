"""Overload: with the queue bounded, a burst beyond it is told the app is busy, accepted jobs
finish, and the app serves normally afterwards. (Its own module: no other server runs beside it.)"""
from __future__ import annotations

import pytest
from conftest import serve
from gradio_client import Client, handle_file
from PIL import Image


def test_a_burst_beyond_the_queue_is_told_busy_and_the_app_recovers(tiny_checkpoints, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    mp = pytest.MonkeyPatch()
    big = tmp_path / "big.png"
    Image.new("RGB", (512, 512), (90, 140, 200)).save(big)  # slow enough to queue, small to download
    demo, url = serve(tiny_checkpoints, mp, queue_size=1, concurrency=1)
    try:
        def one(_):
            try:
                Client(url, verbose=False).predict(handle_file(str(big)), "photo2monet", api_name="/cyclegan_translate")
                return "ok"
            except Exception as e:
                return str(e)

        with ThreadPoolExecutor(24) as ex:
            answers = list(ex.map(one, range(24)))
        assert "ok" in answers
        refused = [a for a in answers if a != "ok"]
        assert refused and all("full" in a.lower() or "busy" in a.lower() for a in refused), set(refused)
        assert Client(url, verbose=False).predict(3, 1, 0, api_name="/cgan_generate")
    finally:
        demo.close()
        mp.undo()
