"""Training data: MNIST (IDX files or torchvision's layout) and unpaired image folders.

Nothing here knows where the data lives: the folder is an argument, defaulting to
`GANAPP_DATA` (the `../shared/data` checkout beside the project when unset).
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image

DEFAULT_DATA_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The data folder: `root` if given, else `$GANAPP_DATA`, else `../shared/data`."""
    return Path(root or os.environ.get("GANAPP_DATA") or DEFAULT_DATA_ROOT)


# --- MNIST -------------------------------------------------------------------------------

_SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into a numpy array.

    The format: two zero bytes, a type code (0x08 = uint8), the number of dimensions,
    then one big-endian int32 per dimension, then the data.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path.name}: not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path.name}: header says {shape}, file holds {data.size} bytes")
    return data.reshape(shape)


def _find_idx(folder: Path, stem: str) -> Path:
    # Our layout (`mnist/<stem>.gz`) and torchvision's (`MNIST/raw/<stem>`), gzipped or not.
    for base in (folder, folder / "MNIST" / "raw", folder / "raw"):
        for name in (stem, stem + ".gz"):
            if (base / name).is_file():
                return base / name
    raise FileNotFoundError(
        f"MNIST file {stem}(.gz) not found under {folder}; pass --data or set GANAPP_DATA "
        "to a folder holding mnist/ (IDX files) or torchvision's MNIST/raw/ layout"
    )


def load_mnist(split: str = "train", root: str | os.PathLike | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as tensors: images uint8 (N, 1, 28, 28) and labels int64 (N,).

    `root` is either the MNIST folder itself or a data root containing `mnist/`.
    """
    if split not in _SPLIT_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    folder = data_root(root)
    if (folder / "mnist").is_dir():
        folder = folder / "mnist"
    images_stem, labels_stem = _SPLIT_FILES[split]
    images = read_idx(_find_idx(folder, images_stem))
    labels = read_idx(_find_idx(folder, labels_stem))
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"MNIST {split}: {images.shape[0]} images but {labels.shape[0]} labels")
    return torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


# --- Unpaired image folders (Monet <-> photo) ---------------------------------------------

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def load_image_folder(folder: Path, size: int | None = None, limit: int | None = None) -> torch.Tensor:
    """The images of a folder (sorted by name; the first `limit` only, when given) as one uint8 tensor
    (N, 3, H, W). All images must share one size, or pass `size` to resize them square.
    """
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
    if not paths:
        raise FileNotFoundError(f"no images in {folder}")
    arrays = []
    for p in paths:
        with Image.open(p) as im:
            im = im.convert("RGB")
            if size is not None and im.size != (size, size):
                im = im.resize((size, size), Image.Resampling.BICUBIC)
            arrays.append(np.asarray(im))
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def monet_photo_folder(split: str, domain: str, root: str | os.PathLike | None = None) -> Path:
    """`<data>/monet_photo/<split>/<domain>`, e.g. ('train', 'photo')."""
    return data_root(root) / "monet_photo" / split / domain


VALIDATION_HELD_OUT = {"monet": 20, "photo": 200}   # the last images of each training folder, by name


def monet_photo_split(root: str | os.PathLike | None = None, size: int | None = None,
                      domains: tuple[str, ...] = ("photo", "monet")) -> dict[str, torch.Tensor]:
    """The Monet/photo training images split once and for all: `train_<domain>` and `val_<domain>` (the last
    VALIDATION_HELD_OUT[domain] of the folder, sorted by name) as uint8 (N, 3, H, W), resized to `size` when
    given. Validation picks models; the test folders are left for the final figures."""
    out = {}
    for domain in domains:
        images = load_image_folder(monet_photo_folder("train", domain, root), size=size)
        n = min(VALIDATION_HELD_OUT[domain], max(1, len(images) // 5))  # tiny test folders keep most for training
        out[f"train_{domain}"], out[f"val_{domain}"] = images[:-n], images[-n:]
    return out


def random_indices(n: int, batch_size: int, generator: torch.Generator) -> torch.Tensor:
    """Indices drawn with the training generator, so a resumed run draws what it would have."""
    return torch.randint(n, (batch_size,), generator=generator)


class MNISTSampler:
    """MNIST held in memory as floats in [0, 1]; random batches drawn with the training generator."""

    def __init__(self, split: str = "train", root: str | os.PathLike | None = None, device="cpu"):
        images, labels = load_mnist(split, root)
        self.images = images.float().div(255.0).to(device)  # (N, 1, 28, 28) in [0, 1]
        self.labels = labels.to(device)                     # (N,)

    def __len__(self) -> int:
        return len(self.labels)

    def hold_out(self, n: int) -> "MNISTSampler":
        """Split off the last `n` images as a validation set (returned); this sampler keeps the rest."""
        held = object.__new__(MNISTSampler)
        held.images, held.labels = self.images[len(self) - n:], self.labels[len(self) - n:]
        self.images, self.labels = self.images[:len(self) - n], self.labels[:len(self) - n]
        return held

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        idx = random_indices(len(self), batch_size, generator).to(self.images.device)
        return self.images[idx], self.labels[idx]
