"""On a ZeroGPU Space the model handlers are wrapped with spaces.GPU; anywhere else nothing changes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAND_IN = '''
WRAPPED = {}

def GPU(duration=60):
    def wrap(fn):
        WRAPPED[fn.__module__ + "." + fn.__name__] = duration
        return fn
    return wrap
'''


def test_handlers_run_on_a_gpu_where_the_spaces_package_is(tmp_path):
    (tmp_path / "spaces.py").write_text(STAND_IN)
    code = "import json, app, spaces; print(json.dumps(spaces.WRAPPED))"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wrapped = json.loads(out.stdout.strip().splitlines()[-1])
    assert wrapped["ganapp.families.cgan.tab.cgan_generate"] == 15
    assert wrapped["ganapp.families.cyclegan.tab.cyclegan_translate"] == 30
    # Live training stays in the server process (a GPU worker would train a copy of the run and its slot).
    assert not any(name.startswith("ganapp.families.gantrain.") for name in wrapped)
    assert {"ganapp.families.infogan.tab.infogan_generate", "ganapp.families.vae.tab.vae_interpolate"} <= set(wrapped)


def test_without_spaces_nothing_is_wrapped():
    from ganapp.families.cgan import tab

    assert tab.cgan_generate.__wrapped__.__module__ == "ganapp.families.cgan.tab"
    import importlib.util
    assert importlib.util.find_spec("spaces") is None
