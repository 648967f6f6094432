"""Where weights come from and how they are published; `hub_model.HubModel` rebuilds models from them.

No torch here: the app reads this module while it builds its page, and imports torch only when a model first runs.

`resolve(name)`: the local `checkpoints/<name>/` when it holds config.json and
model.safetensors; otherwise the two files from the Hub (registry's repo id and pinned
revision) through huggingface_hub's cache, honouring `HF_ENDPOINT` and `HF_HUB_OFFLINE`.
Only those two files (and the optional generation_config.json) are ever fetched: no pickle can
arrive this way. `GANAPP_HUB_REVISION` may name a tag, a branch or a commit SHA (the surest pin).

    python -m ganapp.hub push <name> --repo <org/repo> [--tag v1]   # publish checkpoints/<name>/
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import threading
from pathlib import Path

from huggingface_hub import HfApi, constants, hf_hub_download
from huggingface_hub.errors import (
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
)
from huggingface_hub.utils import validate_repo_id

from .files import atomic_write
from .registry import spec

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"  # `GANAPP_CHECKPOINTS` overrides
WEIGHT_FILES = ("config.json", constants.SAFETENSORS_SINGLE_FILE)
# Measured settings for sampling (a cGAN's noise scale, which InfoGAN category draws which digit), apart
# from the architecture: written only by `python -m ganapp.evaluate`, never by an export; optional.
GENERATION_FILE = "generation_config.json"
# The model's measured quality in one line, and what misses its target: written by `python -m ganapp.reports`
# from the evaluation's metrics, shown by its tab; optional.
QUALITY_FILE = "quality.json"
OPTIONAL_FILES = (GENERATION_FILE, QUALITY_FILE, "metrics.json",   # and what tabs show beside a model:
                  "latent_scatter.png", "mse_by_size.png", "maps_2d.png", "claims.json", "augmentation.png",
                  "sharpness_strip.png", "provenance.json")


class WeightsUnavailable(RuntimeError):
    """Neither a local checkpoint nor the Hub could provide a model's weights."""


def local_folder(name: str) -> Path:
    return Path(os.environ.get("GANAPP_CHECKPOINTS", CHECKPOINTS)) / name


def _offline() -> bool:
    # Read at call time (huggingface_hub reads it once at import), so tests and users can flip it.
    return os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE")


# Hub-resolved folders, once per process: a Space would otherwise ask the Hub (and, for the optional files a
# repo lacks, get a 404) on every request that reads a measured setting. Local folders are looked at each time,
# so that a fresh evaluation is picked up without a restart.
_HUB_FOLDERS: dict[str, Path] = {}
_HUB_PROBLEMS: dict[str, list[str]] = {}   # optional files that failed for another reason than being absent
_HUB_LOCKS: dict[str, threading.Lock] = {}   # one per model: a slow or failing download holds up only its own
_HUB_LOCK = threading.Lock()                 # guards the dicts
log = logging.getLogger(__name__)


def resolve(name: str) -> Path:
    """A folder holding `config.json` and `model.safetensors` for model `name`."""
    folder = local_folder(name)
    if all((folder / f).is_file() for f in WEIGHT_FILES):
        return folder
    with _HUB_LOCK:
        lock = _HUB_LOCKS.setdefault(name, threading.Lock())
    with lock:
        if name not in _HUB_FOLDERS:
            _HUB_FOLDERS[name] = _download(name, folder)
        return _HUB_FOLDERS[name]


def hub_problems(name: str) -> list[str]:
    """Optional files of model `name` that the Hub failed to give (not merely absent ones), as 'file: error'."""
    return list(_HUB_PROBLEMS.get(name, []))


def forget_hub_folders() -> None:
    """Resolve through the Hub afresh (tests; a process that wants a newly published revision)."""
    with _HUB_LOCK:
        _HUB_FOLDERS.clear()
        _HUB_PROBLEMS.clear()


def _download(name: str, folder: Path) -> Path:
    s = spec(name)
    endpoint = os.environ.get("HF_ENDPOINT") or None
    try:
        paths = [hf_hub_download(s.repo_id, filename, revision=s.revision, local_files_only=_offline(),
                                 endpoint=endpoint) for filename in WEIGHT_FILES]
    except (HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled, OSError) as e:
        raise WeightsUnavailable(
            f"no weights for '{name}': not in {folder} and not downloadable from the Hub "
            f"({s.repo_id}@{s.revision}): {type(e).__name__}"
        ) from e
    problems = []
    for filename in OPTIONAL_FILES:
        try:  # lands in the same snapshot folder when the repo has it
            hf_hub_download(s.repo_id, filename, revision=s.revision, local_files_only=_offline(), endpoint=endpoint)
        except RemoteEntryNotFoundError:
            pass  # the repo has no such file: the model samples with its defaults, as intended
        except (HfHubHTTPError, LocalEntryNotFoundError, OfflineModeIsEnabled, OSError) as e:
            problems.append(f"{filename}: {type(e).__name__}")  # present or not, we cannot tell: say so
            log.warning("%s: %s could not be fetched from %s@%s (%s); its settings fall back to defaults",
                        name, filename, s.repo_id, s.revision, type(e).__name__)
    _HUB_PROBLEMS[name] = problems
    return Path(paths[0]).parent


def beside_weights(name: str, filename: str) -> dict:
    """A JSON file stored with model `name`'s weights (one of OPTIONAL_FILES), {} when there is none.

    Read on every call (a few hundred bytes), so a fresh evaluation is picked up without a restart.
    """
    path = resolve(name) / filename
    return json.loads(path.read_text()) if path.is_file() else {}


def generation_config(name: str) -> dict:
    """Model `name`'s measured sampling settings (`generation_config.json`), {} when none."""
    return beside_weights(name, GENERATION_FILE)


def quality(name: str) -> dict:
    """Model `name`'s measured quality ({"line": ..., "below_target": [...]}, see reports), {} when none."""
    return beside_weights(name, QUALITY_FILE)


def write_generation_config(name: str, **settings) -> Path:
    """Merge `settings` into `checkpoints/<name>/generation_config.json` (evaluations call this)."""
    path = local_folder(name) / GENERATION_FILE
    current = json.loads(path.read_text()) if path.is_file() else {}
    atomic_write(path, json.dumps({**current, **settings}, indent=2) + "\n")
    return path


def push(name: str, repo_id: str, tag: str | None = None, api: HfApi | None = None, private: bool = False) -> str:
    """Upload `checkpoints/<name>/` (config, weights, measured settings, card and its images) to a Hub
    model repo. `tag` is moved to the new commit when it already exists: the app pins tags, and a
    tag left on the old commit would keep serving the old weights."""
    try:
        validate_repo_id(repo_id)
    except HFValidationError as e:
        raise ValueError(f"not a Hub repo id: {repo_id!r} (expected 'owner/name'): {e}") from None
    folder = local_folder(name)
    if not all((folder / f).is_file() for f in WEIGHT_FILES):
        raise FileNotFoundError(f"{folder} lacks {' or '.join(WEIGHT_FILES)}: train and export it first")
    api = api or HfApi()
    api.create_repo(repo_id, repo_type="model", exist_ok=True, private=private)
    commit = api.upload_folder(repo_id=repo_id, folder_path=folder, repo_type="model",
                               allow_patterns=["config.json", "*.safetensors", *OPTIONAL_FILES, "README.md", "*.png", "*.gif",
                                               "*.onnx", "*.onnx.gz", "provenance.json", "*.md"],
                               commit_message=f"ganapp: upload {name}")
    if tag:
        try:
            api.create_tag(repo_id, tag=tag, revision=commit.oid)
        except HfHubHTTPError as e:
            if e.response is None or e.response.status_code != 409:  # 409: the tag exists
                raise
            api.delete_tag(repo_id, tag=tag)
            api.create_tag(repo_id, tag=tag, revision=commit.oid)
            print(f"moved tag {tag!r} of {repo_id} to {commit.oid}")
    return commit.commit_url


PROJECT = Path(__file__).resolve().parent.parent
# What a Space needs to run the app, relative to the project: the app, its package (code, locales, assets, the
# page's scripts and vendored runtime), its requirements and the README (whose front matter configures the Space).
SPACE_FILES = ("app.py", "README.md", "requirements.txt", "ganapp/**/*")
SKIPPED = ("__pycache__", ".pyi", ".pyc")


def space_files(root: Path = PROJECT, weights: bool = True) -> list[str]:
    """The files `deploy` uploads, relative to `root`, sorted: SPACE_FILES, and checkpoints/ with `weights`."""
    patterns = [*SPACE_FILES, *(["checkpoints/**/*"] if weights else [])]
    files = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    return sorted(str(p.relative_to(root)) for p in files if not any(s in str(p) for s in SKIPPED))


def deploy(repo_id: str, api: HfApi | None = None, weights: bool = True, private: bool = False,
           root: Path = PROJECT) -> str:
    """Create (or update) a Gradio Space `repo_id` running this app, and upload `space_files` to it in one commit.
    huggingface_hub's upload stores large and binary files the way the Hub requires (Xet/LFS), so the 26 MB
    weights need no `.gitattributes` or git-lfs here. Without `weights`, the Space downloads each model from
    `<GANAPP_HUB_ORG>/ganapp-<name>` on first use (publish them with `push`)."""
    try:
        validate_repo_id(repo_id)
    except HFValidationError as e:
        raise ValueError(f"not a Hub repo id: {repo_id!r} (expected 'owner/name'): {e}") from None
    files = space_files(root, weights)
    api = api or HfApi()
    api.create_repo(repo_id, repo_type="space", space_sdk="gradio", exist_ok=True, private=private)
    commit = api.upload_folder(repo_id=repo_id, folder_path=root, repo_type="space", allow_patterns=files,
                               commit_message="ganapp: deploy the app" + (" with its weights" if weights else ""))
    return commit.commit_url


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.hub")
    sub = p.add_subparsers(dest="command", required=True)
    push_p = sub.add_parser("push", help="publish checkpoints/<name>/ to a Hub model repo")
    push_p.add_argument("name")
    push_p.add_argument("--repo", required=True, help="e.g. your-name/ganapp-cgan")
    push_p.add_argument("--tag", help="tag the commit, e.g. v1 (the revision the app pins)")
    push_p.add_argument("--private", action="store_true")
    deploy_p = sub.add_parser("deploy", help="create or update a Gradio Space running this app")
    deploy_p.add_argument("space", help="e.g. your-name/ganapp")
    deploy_p.add_argument("--no-weights", action="store_true",
                          help="leave checkpoints/ out: the Space downloads the models from the Hub")
    deploy_p.add_argument("--private", action="store_true")
    deploy_p.add_argument("--list", action="store_true", help="only list the files it would upload")
    args = p.parse_args(argv)
    try:
        if args.command == "push":
            print(push(args.name, args.repo, tag=args.tag, private=args.private))
        elif args.list:
            files = space_files(weights=not args.no_weights)
            size = sum((PROJECT / f).stat().st_size for f in files)
            print("\n".join(files) + f"\n{len(files)} files, {size / 1e6:.1f} MB")
        else:
            print(deploy(args.space, weights=not args.no_weights, private=args.private))
    except (ValueError, FileNotFoundError) as e:
        p.error(str(e))


if __name__ == "__main__":
    main()
