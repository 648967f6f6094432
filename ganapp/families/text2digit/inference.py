"""Text to digit inference: a description in English or Chinese -> samples, reproducible from a seed."""
from __future__ import annotations

import math

import torch
from PIL import Image

from ... import generation_config, load
from ...checks import MAX_SEED, InvalidInput, check_int, check_text
from ...images import DIGIT_SCALE, grid
from ...messages import Text, say
from ...sampling import device_of, seeded_noise
from . import MAX_TEXT, STRIP_STEPS
from .captions import MAX_TOKENS, Parsed, parse, tokens


def noise_scale() -> float:
    """z ~ N(0, scale^2 I) when sampling (the truncation trick); measured by `python -m ganapp.evaluate text2digit`."""
    return float(generation_config("text2digit").get("noise_scale", 1.0))


def token_ids(parsed: list[Parsed], device="cpu") -> torch.Tensor:
    """Token ids of several texts, padded with 0 to the longest: (B, L) int64."""
    length = max(1, max(len(p.ids) for p in parsed))
    ids = torch.zeros(len(parsed), length, dtype=torch.long)
    for row, p in zip(ids, parsed):
        row[:len(p.ids)] = torch.tensor(p.ids, dtype=torch.long)
    return ids.to(device)


def read_text(text, name: str = "text") -> Parsed:
    """Check a user's description and parse it with the shipped model's vocabulary: it must be a string of at
    most MAX_TEXT characters that names a digit the model knows."""
    parsed = parse(check_text(name, text, MAX_TEXT), load("text2digit").config.vocab)
    words = len(tokens(text))
    if words > MAX_TOKENS:  # the model reads the first MAX_TOKENS only: say so rather than drop the digit
        raise InvalidInput("text2digit.too_many_words", name=name, words=words, most=MAX_TOKENS)
    if not parsed.digits:
        raise InvalidInput("text2digit.no_digit", name=name)
    return parsed


def reading(text) -> Text | str:
    """What the model makes of a text, for the tab: the words it ignores, or why the text cannot be drawn."""
    try:
        parsed = read_text(text)
    except InvalidInput as e:
        return say("text2digit.cannot_draw", reason=e.text)
    if len(set(parsed.digits)) > 1:
        return say("text2digit.several_digits", digits=", ".join(map(str, dict.fromkeys(parsed.digits))))
    return say("text2digit.ignored", words=", ".join(f"'{w}'" for w in parsed.ignored)) if parsed.ignored else ""


@torch.inference_mode()
def text_samples(parsed: Parsed, count: int, seed: int) -> torch.Tensor:
    """`count` samples for one parsed text: (count, 1, 28, 28) in [-1, 1]."""
    g = load("text2digit")
    z = (seeded_noise(seed, count, g.config.z_dim) * noise_scale()).to(device_of(g))
    return g(z, token_ids([parsed] * count, z.device)).cpu()


def text_to_digit(text, count, seed) -> Image.Image:
    """Samples of a described digit in a square-ish grid; count=1 gives one 112x112 digit."""
    parsed = read_text(text)
    count, seed = check_int("count", count, 1, 64), check_int("seed", seed, 0, MAX_SEED)
    images = text_samples(parsed, count, seed)
    return grid(images, nrow=math.ceil(math.sqrt(count)), value_range=(-1, 1), scale=DIGIT_SCALE)  # one: unpadded


@torch.inference_mode()
def morph_ends(text_a, text_b, seed) -> tuple[torch.Tensor, torch.Tensor]:
    """What a strip between two descriptions is made of: its one noise (z_dim,), scaled as samples are, and the two
    sentence embeddings (2, text_dim). The page decodes between them itself (the frame at t)."""
    a, b = read_text(text_a, "first text"), read_text(text_b, "second text")
    seed = check_int("seed", seed, 0, MAX_SEED)
    g = load("text2digit")
    z = seeded_noise(seed, 1, g.config.z_dim)[0] * noise_scale()                # (z_dim,)
    return z, g.text(token_ids([a, b], device_of(g))).cpu()                     # (2, text_dim)


@torch.inference_mode()
def decode_between(z: torch.Tensor, ends: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The digits at fractions t (n,) of the way from ends[0] to ends[1] (sentence embeddings moved in a straight
    line, GAN-INT), all from the one noise z: (n, 1, 28, 28) in [-1, 1]."""
    g = load("text2digit")
    device = device_of(g)
    t = t.to(device).unsqueeze(1)                                               # (n, 1)
    ends = ends.to(device)
    return g.decode(z.to(device).expand(len(t), -1), (1 - t) * ends[0] + t * ends[1]).cpu()


def strip_positions(steps: int = STRIP_STEPS) -> torch.Tensor:
    """Where the strip's digits lie between the two descriptions: k / (steps - 1), as float32 (the page's too)."""
    return torch.tensor([k / (steps - 1) for k in range(steps)])


def strip_image(images: torch.Tensor) -> Image.Image:
    """The strip's digits (steps, 1, 28, 28) side by side."""
    return grid(images, nrow=len(images), value_range=(-1, 1), scale=DIGIT_SCALE)


def text_interpolate(text_a, text_b, seed, steps: int = STRIP_STEPS) -> Image.Image:
    """One noise, sentence embeddings moved in `steps` equal steps from text_a's to text_b's: a strip."""
    z, ends = morph_ends(text_a, text_b, seed)
    steps = check_int("steps", steps, 2, 16)
    return strip_image(decode_between(z, ends, strip_positions(steps)))         # (steps, 1, 28, 28) side by side
