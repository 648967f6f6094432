"""Build the small files the app ships with: `python -m ganapp.make_assets [--data DIR] [--skimage-data DIR]`.

- ganapp/assets/mnist_test_digits.png: 10 MNIST *test* images of each digit (rows 0-9) — of the first
  100 of each class, the 10 the evaluator reads most confidently, in that order — the real digits the
  VAE tab starts from (seed 0 = the clearest); the app never reads ../shared.
- ganapp/assets/mnist_train_12k.png: the first 12,000 MNIST *training* images (a 120 x 100 sheet of
  28-pixel tiles), what the "Train a GAN" tab trains on, live, where the data is not at hand, and
  mnist_train_12k_labels.txt their labels (one line of 12,000 digits): the claims tab's few labelled digits.
- ganapp/assets/mnist_test_10k.png and mnist_test_labels.txt: the 10,000 MNIST *test* images (a 100 x 100 sheet)
  and their labels, on which the claims tab's live classifier is measured.
- ganapp/assets/examples/: the CycleGAN tab's examples: three public-domain Monet paintings
  from the test split, and three CC0 / public-domain photos shipped by scikit-image
  (coffee, chelsea, rocket); credits in the README.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from .training.data import load_mnist, monet_photo_folder

ASSETS = Path(__file__).resolve().parent / "assets"
SKIMAGE_PHOTOS = ("coffee.png", "chelsea.png", "rocket.jpg")


def mnist_sheet(root=None, per_class: int = 10, pool: int = 100) -> Image.Image:
    """Row d: `per_class` test images of digit d — of the first `pool` of each class, those the evaluator
    reads as d most confidently, most confident first (so seed 0 starts from a clear, typical digit)."""
    import torch

    from . import load

    images, labels = load_mnist("test", root)
    rows = []
    for d in range(10):
        candidates = (labels == d).nonzero().flatten()[:pool]
        with torch.inference_mode():
            confidence = torch.softmax(load("classifier")(images[candidates].float() / 255), 1)[:, d]
        chosen = candidates[confidence.argsort(descending=True)[:per_class]]
        rows.append(np.concatenate([images[i, 0].numpy() for i in chosen], axis=1))
    return Image.fromarray(np.concatenate(rows, axis=0))


TRAIN_SHEET_COLUMNS = 100


def mnist_train_sheet(root=None, count: int = 12_000, split: str = "train") -> tuple[Image.Image, str]:
    """The first `count` images of a split as a sheet of TRAIN_SHEET_COLUMNS tiles a row, and their labels as
    one line of digits."""
    images, labels = load_mnist(split, root)
    tiles = images[:count, 0].numpy()                                             # (count, 28, 28)
    rows = tiles.reshape(count // TRAIN_SHEET_COLUMNS, TRAIN_SHEET_COLUMNS, 28, 28)
    sheet = Image.fromarray(rows.transpose(0, 2, 1, 3).reshape(-1, TRAIN_SHEET_COLUMNS * 28))
    return sheet, "".join(map(str, labels[:count].tolist())) + "\n"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.make_assets")
    p.add_argument("--data", help="data folder (default: $GANAPP_DATA or ../shared/data)")
    p.add_argument("--skimage-data", type=Path, help="scikit-image's skimage/data folder (for the photos)")
    args = p.parse_args(argv)
    ASSETS.mkdir(exist_ok=True)
    mnist_sheet(args.data).save(ASSETS / "mnist_test_digits.png", optimize=True)
    for split, count, stem, labels_name in (("train", 12_000, "mnist_train_12k", "mnist_train_12k_labels.txt"),
                                            ("test", 10_000, "mnist_test_10k", "mnist_test_labels.txt")):
        sheet, labels = mnist_train_sheet(args.data, count, split)
        sheet.save(ASSETS / f"{stem}.png", optimize=True)
        (ASSETS / labels_name).write_text(labels)
    examples = ASSETS / "examples"
    examples.mkdir(exist_ok=True)
    for path in sorted(monet_photo_folder("test", "monet", args.data).iterdir())[:3]:
        Image.open(path).convert("RGB").save(examples / f"monet_{path.stem}.jpg", quality=90)
    if args.skimage_data:
        for name in SKIMAGE_PHOTOS:
            img = Image.open(args.skimage_data / name).convert("RGB")
            img.thumbnail((512, 512))
            img.save(examples / f"photo_{Path(name).stem}.jpg", quality=90)
    print(f"wrote {ASSETS}")


if __name__ == "__main__":
    main()
