"""Images in and out: tensors to PIL, crisp upscaling, grids, GIFs, and user uploads made safe.

User uploads are untrusted: `open_user_image` bounds their pixel count before decoding,
applies EXIF orientation, and converts every mode (grey, 16-bit, palette, RGBA, CMYK) to RGB.

The app builds its page before it imports torch (1.4 s of its start): the functions that make tensors import it
themselves; the others use the methods of the tensors they are given.
"""
from __future__ import annotations

import base64
import binascii
import io
from typing import TYPE_CHECKING

import imageio.v3 as iio
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .checks import InvalidInput

if TYPE_CHECKING:
    import torch

DIGIT_SCALE = 4   # MNIST tiles are shown 112x112, upscaled nearest-neighbour
MAX_UPLOAD_PIXELS = 40_000_000     # ~6300x6300: larger uploads are refused before decoding
MAX_DATA_URL_CHARS = 2_000_000     # a drawing pad's picture as a data URL, at most (its 280x280 PNG: a few kB drawn,
                                   # up to ~370 kB with a photo on it)
Image.MAX_IMAGE_PIXELS = MAX_UPLOAD_PIXELS  # Pillow raises DecompressionBombError beyond 2x this


class BadImage(InvalidInput):
    """An upload that is not an image we can use; the message is safe to show the user."""


def too_large(max_pixels: int = MAX_UPLOAD_PIXELS) -> BadImage:
    return BadImage("image.too_large", megapixels=f"{max_pixels / 1e6:g}")


def not_readable() -> BadImage:
    return BadImage("image.not_readable")


# --- tensors -> pictures --------------------------------------------------------------------

# RGB <-> (Y, Cb, Cr) with BT.601's weights, linear (no offsets): luminance and colour apart.
_TO_YCC = ((0.299, 0.587, 0.114), (-0.1687, -0.3313, 0.5), (0.5, -0.4187, -0.0813))


def to_ycbcr(rgb: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) RGB -> (B, 3, H, W) Y, Cb, Cr, on the same scale as the input."""
    import torch

    return torch.einsum("ij,bjhw->bihw", torch.tensor(_TO_YCC).to(rgb), rgb)


def from_ycbcr(ycc: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.einsum("ij,bjhw->bihw", torch.linalg.inv(torch.tensor(_TO_YCC)).to(ycc), ycc)


def to_pil(image: torch.Tensor, value_range: tuple[float, float] = (0.0, 1.0), scale: int = 1) -> Image.Image:
    """(C, H, W) float tensor in `value_range` -> PIL image, upscaled `scale` times (nearest: crisp pixels)."""
    lo, hi = value_range
    arr = ((image.detach().float().cpu().clamp(lo, hi) - lo) / (hi - lo) * 255).round()
    arr = arr.permute(1, 2, 0).numpy().astype(np.uint8)
    pil = Image.fromarray(arr[..., 0] if arr.shape[2] == 1 else arr)
    if scale > 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST)
    return pil


def grid(images: torch.Tensor, nrow: int, value_range=(0.0, 1.0), scale: int = 1, padding: int = 2) -> Image.Image:
    """(B, C, H, W) -> one PIL grid with `nrow` images per row, `padding` pixels of the background
    (`value_range`'s low end) around each — the layout of torchvision's make_grid, which serving
    avoids importing (torchvision costs more than a second of start-up)."""
    images = images.detach().float().cpu()
    if len(images) == 1:
        return to_pil(images[0], value_range, scale)  # a single image, unpadded (as make_grid does)
    b, c, h, w = images.shape
    cols = min(nrow, b)
    rows = -(-b // cols)
    out = images.new_full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), float(value_range[0]))
    for i, image in enumerate(images):
        y, x = divmod(i, cols)
        top, left = y * (h + padding) + padding, x * (w + padding) + padding
        out[:, top:top + h, left:left + w] = image
    return to_pil(out, value_range, scale)


def tile_sheet(path, tile: int = 28) -> torch.Tensor:
    """A grey sheet of `tile`-pixel tiles -> (rows, columns, 1, tile, tile) in [0, 1]."""
    import torch

    sheet = torch.from_numpy(np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0)
    rows, cols = sheet.shape[0] // tile, sheet.shape[1] // tile
    return sheet.view(rows, tile, cols, tile).permute(0, 2, 1, 3).unsqueeze(2).contiguous()


def gif_bytes(frames: list[Image.Image], duration_ms: int = 80, boomerang: bool = True) -> bytes:
    """An endlessly looping animated GIF; `boomerang` plays it forth and back."""
    seq = frames + frames[-2:0:-1] if boomerang and len(frames) > 2 else frames
    arrays = [np.asarray(f.convert("RGB")) for f in seq]
    return iio.imwrite("<bytes>", arrays, extension=".gif", duration=duration_ms, loop=0)


# --- user uploads ------------------------------------------------------------------------------

def open_user_image(source, max_pixels: int = MAX_UPLOAD_PIXELS, formats: tuple[str, ...] | None = None) -> Image.Image:
    """An uploaded file (path, bytes, file object or PIL image) -> RGB PIL image, upright; `formats`: the only
    ones Pillow may read it as (None: any it knows).

    Raises `BadImage` with a short, user-safe message for anything unusable.
    """
    try:
        if isinstance(source, Image.Image):
            img = source
        else:
            if isinstance(source, (bytes, bytearray)):
                source = io.BytesIO(source)
            img = Image.open(source, formats=formats)
        if img.width * img.height > max_pixels:
            raise too_large(max_pixels)
        if getattr(img, "is_animated", False):
            img.seek(0)  # animated GIF/WebP/PNG: the first frame
        img.load()
        img = ImageOps.exif_transpose(img)
        return _to_rgb(img)
    except BadImage:
        raise
    except Image.DecompressionBombError:
        raise too_large(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_readable() from None


def open_png_data_url(url, max_pixels: int) -> Image.Image:
    """A PNG sent as a base64 data URL ("data:image/png;base64,..."), as a drawing pad sends its canvas
    (ui.inputs.drawing_pad), opened as `open_user_image` opens an upload, with its own pixel bound: a pad sends
    280x280, so `max_pixels` can be small. Raises `BadImage` for anything else (another format, not base64)."""
    head, _, body = url.partition(",") if isinstance(url, str) and len(url) <= MAX_DATA_URL_CHARS else ("", "", "")
    if head != "data:image/png;base64":
        raise not_readable()
    try:
        png = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise not_readable() from None
    return open_user_image(png, max_pixels, formats=("PNG",))


def check_image_file(path, max_pixels: int = MAX_UPLOAD_PIXELS) -> None:
    """Refuse a file that is not an image or holds too many pixels, reading its header only."""
    try:
        with Image.open(path) as img:  # lazy: nothing is decoded yet
            oversized = img.width * img.height > max_pixels
    except Image.DecompressionBombError:
        oversized = True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_readable() from None
    if oversized:
        raise too_large()


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16/32-bit grey: rescale to 8 bits, not clip
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = arr.min(), arr.max()
        arr = (arr - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(arr)
        img = Image.fromarray(arr.round().astype(np.uint8))
    elif img.mode == "F":
        img = Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8))
    if img.mode == "P":
        img = img.convert("RGBA")  # palette transparency becomes alpha, then is composited below
    if img.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img.convert("RGBA"), mask=img.convert("RGBA").getchannel("A"))
        return background
    return img.convert("RGB")  # L, 1, CMYK, YCbCr, RGB


def fit_longest_side(img: Image.Image, max_side: int) -> Image.Image:
    """Downscale (never up) so the longest side is at most `max_side`, keeping the aspect ratio."""
    if max(img.size) <= max_side:
        return img
    s = max_side / max(img.size)
    return img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))), Image.Resampling.LANCZOS)


def to_mnist(img: Image.Image) -> torch.Tensor:
    """Any drawing or photo of a digit -> (1, 28, 28) in [0, 1], normalised the way MNIST was.

    MNIST digits are white on black, their bounding box scaled to fit 20x20 and then placed
    so that the centre of mass sits at the centre of a 28x28 field (LeCun et al.).
    """
    import torch

    grey = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    if grey.mean() > 0.5:  # dark ink on light paper (a drawing, a scan): invert
        grey = 1.0 - grey
    grey = np.clip((grey - 0.1) / 0.9, 0, 1)  # drop faint background noise
    ys, xs = np.nonzero(grey > 0.05)
    out = np.zeros((28, 28), dtype=np.float32)
    if len(ys) == 0:
        return torch.from_numpy(out).unsqueeze(0)  # blank in, blank out
    crop = grey[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    h, w = crop.shape
    s = 20.0 / max(h, w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize((nw, nh), Image.Resampling.LANCZOS),
                       dtype=np.float32) / 255.0
    total = small.sum()
    cy, cx = (np.arange(nh) @ small.sum(1)) / total, (np.arange(nw) @ small.sum(0)) / total
    top = int(np.clip(round(14 - cy), 0, 28 - nh))
    left = int(np.clip(round(14 - cx), 0, 28 - nw))
    out[top: top + nh, left: left + nw] = small
    return torch.from_numpy(out).unsqueeze(0)
