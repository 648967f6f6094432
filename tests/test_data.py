"""The MNIST loader (IDX files, gzipped or not, and torchvision's layout) and image folders."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import DATA, needs_data, write_idx

from ganapp.training.data import (
    MNISTSampler,
    load_image_folder,
    load_mnist,
    monet_photo_folder,
    read_idx,
)


def test_reads_idx_files_from_our_layout(tiny_data):
    images, labels = load_mnist("train", tiny_data)
    assert images.shape == (64, 1, 28, 28) and images.dtype == torch.uint8
    assert labels.tolist() == [i % 10 for i in range(64)]


def test_reads_torchvision_layout_uncompressed(tiny_data, tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (raw / stem).write_bytes(__import__("gzip").decompress((tiny_data / "mnist" / f"{stem}.gz").read_bytes()))
    images, labels = load_mnist("test", tmp_path)
    assert torch.equal(images, load_mnist("test", tiny_data)[0])


def test_folder_comes_from_the_environment(tiny_data, monkeypatch):
    monkeypatch.setenv("GANAPP_DATA", str(tiny_data))
    assert len(load_mnist("test")[1]) == 64


def test_missing_files_say_how_to_point_at_the_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="GANAPP_DATA"):
        load_mnist("train", tmp_path)


def test_rejects_files_that_are_not_idx(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x00\x00\x0d\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="IDX"):
        read_idx(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros((4, 2), np.uint8))
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-3])
    with pytest.raises(ValueError, match="header says"):
        read_idx(tmp_path / "short")


def test_sampler_gives_floats_in_unit_range_reproducibly(tiny_data):
    s = MNISTSampler("train", tiny_data)
    x1, y1 = s.sample(8, torch.Generator().manual_seed(3))
    x2, y2 = s.sample(8, torch.Generator().manual_seed(3))
    assert x1.shape == (8, 1, 28, 28) and 0 <= x1.min() and x1.max() <= 1
    assert torch.equal(x1, x2) and torch.equal(y1, y2)


def test_image_folder(tiny_data):
    images = load_image_folder(monet_photo_folder("train", "monet", tiny_data))
    assert images.shape == (6, 3, 32, 32) and images.dtype == torch.uint8


@needs_data
def test_real_mnist_is_the_official_data():
    import gzip
    import hashlib

    raw = gzip.decompress((DATA / "mnist" / "train-images-idx3-ubyte.gz").read_bytes())
    assert hashlib.md5(raw).hexdigest() == "6bbc9ace898e44ae57da46a324031adb"
    images, labels = load_mnist("train", DATA)
    assert images.shape == (60000, 1, 28, 28) and torch.bincount(labels).min() > 5000
    assert load_mnist("test", DATA)[0].shape == (10000, 1, 28, 28)


def test_load_image_folder_reads_only_the_first_images_when_limited(tiny_data):
    from ganapp.training.data import load_image_folder, monet_photo_folder

    folder = monet_photo_folder("test", "photo", tiny_data)
    everything = load_image_folder(folder)
    assert torch.equal(load_image_folder(folder, limit=4), everything[:4]) and len(everything) == 6
