"""CycleGAN inference: a photo painted like Monet, a painting made a photo, at any size."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ... import load
from ...checks import check_choice, check_int
from ...images import fit_longest_side, open_user_image, to_pil
from ...sampling import device_of

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"   # monet_*.jpg, photo_*.jpg
DIRECTIONS = {"photo2monet": ("cyclegan_photo2monet", "cyclegan_monet2photo"),
              "monet2photo": ("cyclegan_monet2photo", "cyclegan_photo2monet")}
MIN_SIDE = 16  # smaller inputs are padded up: the bottleneck needs a few pixels for its padding


@torch.inference_mode()
def translate_tensor(x: torch.Tensor, model_name: str) -> torch.Tensor:
    """(1, 3, H, W) in [-1, 1], any H and W -> the same size: replicate-pad to what the network
    needs, translate, crop back."""
    g = load(model_name)
    m = g.size_multiple
    h, w = x.shape[-2:]
    ph, pw = max(MIN_SIDE, -(-h // m) * m), max(MIN_SIDE, -(-w // m) * m)
    padded = F.pad(x, (0, pw - w, 0, ph - h), mode="replicate")
    return g(padded.to(device_of(g)))[..., :h, :w].cpu()


def cyclegan_translate(image, direction, max_side: int = 512, with_cycle: bool = False):
    """An image file (or PIL image) -> its translation, longest side at most `max_side`.

    `direction`: "photo2monet" or "monet2photo". With `with_cycle`, also returns the
    translation translated back (the cycle reconstruction).
    """
    forward, backward = DIRECTIONS[check_choice("direction", direction, tuple(DIRECTIONS))]
    max_side = check_int("max_side", max_side, 16, 1024)
    img = fit_longest_side(open_user_image(image), max_side)
    x = torch.from_numpy(np.asarray(img, dtype=np.float32)).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1
    y = translate_tensor(x, forward)
    out = to_pil(y[0], (-1, 1))
    if not with_cycle:
        return out
    return out, to_pil(translate_tensor(y, backward)[0], (-1, 1))
