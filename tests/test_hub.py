"""Weights resolution: local first, then the Hub through huggingface_hub's real download code,
against a local stand-in for the Hub's file-resolve endpoint (this machine has no internet)."""
from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path

import pytest
import torch
from conftest import tiny_models

import ganapp
from ganapp import hub
from ganapp.registry import spec

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub(http.server.ThreadingHTTPServer):
    """Answers GET/HEAD /{org}/{repo}/resolve/{revision}/{file} like the Hub does: the file,
    its ETag and the commit it belongs to; logs every request."""

    def __init__(self, files: dict[str, bytes], revision: str):
        self.files, self.revision, self.requests = files, revision, []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, body: bool):
        self.server.requests.append((self.command, self.path))
        parts = self.path.split("?")[0].strip("/").split("/")
        key = "/".join(parts[:2]) + "/" + "/".join(parts[4:]) if len(parts) >= 5 else ""
        if len(parts) < 5 or parts[2] != "resolve" or parts[3] != self.server.revision or key not in self.server.files:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            return
        data = self.server.files[key]
        if data is None:  # a file the stand-in is told to fail on
            self.send_response(403)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """The stand-in Hub serving a tiny 'cgan' at the pinned revision; empty local checkpoints."""
    model = tiny_models()["cgan"]
    model.save_pretrained(tmp_path / "published")
    s = spec("cgan")
    files = {f"{s.repo_id}/{name}": (tmp_path / "published" / name).read_bytes()
             for name in ("config.json", "model.safetensors")}
    server = FakeHub(files, s.revision)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf_cache"))
    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    import huggingface_hub.constants as constants
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf_cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    ganapp.load.cache_clear()
    hub.forget_hub_folders()
    yield server, model
    server.shutdown()
    ganapp.load.cache_clear()
    hub.forget_hub_folders()


def test_local_checkpoint_comes_first(tiny):
    assert hub.resolve("cgan") == tiny / "cgan"


def test_a_model_asked_for_by_several_handlers_at_once_loads_once(tiny, monkeypatch):
    """A page's first visit asks for several pictures of one model at once, before any has loaded it."""
    import time

    from ganapp.registry import spec

    model_class, loads = spec("cgan").model_class, []

    def slow_load(*args, **kwargs):   # loading takes long enough for every thread to ask meanwhile
        loads.append(1)
        time.sleep(0.2)
        return original(*args, **kwargs)

    original = model_class.from_pretrained
    monkeypatch.setattr(model_class, "from_pretrained", slow_load)
    ganapp.load.cache_clear()
    got = []
    threads = [threading.Thread(target=lambda: got.append(ganapp.load("cgan"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ganapp.load.cache_clear()
    assert len(loads) == 1 and len(got) == 6 and all(m is got[0] for m in got)


def test_missing_locally_downloads_from_the_hub_at_the_pinned_revision(fake_hub, tmp_path):
    server, published = fake_hub
    folder = hub.resolve("cgan")
    assert Path(folder).is_relative_to(tmp_path / "hf_cache")
    paths = {p for _, p in server.requests}
    assert any(f"/resolve/{spec('cgan').revision}/model.safetensors" in p for p in paths)
    assert not any("pytorch_model.bin" in p for p in paths)
    model = ganapp.load("cgan")
    z, y = torch.randn(2, model.config.z_dim), torch.tensor([1, 2])
    assert torch.equal(model(z, y), published(z, y))


def test_hub_weights_resolve_once_per_process(fake_hub):
    """Reading measured settings 100 times costs the Hub no request after the first resolve, absent optional
    files included (they are absent, not failures)."""
    server, _ = fake_hub
    hub.resolve("cgan")
    before = len(server.requests)
    for _ in range(100):
        hub.generation_config("cgan"), hub.quality("cgan")
    assert len(server.requests) == before
    assert hub.hub_problems("cgan") == []


def test_an_optional_file_the_hub_fails_to_give_is_reported(fake_hub, caplog):
    server, _ = fake_hub
    s = spec("cgan")
    server.files[f"{s.repo_id}/generation_config.json"] = None  # the stand-in answers 403 Forbidden for it

    with caplog.at_level("WARNING", logger="ganapp.hub"):
        hub.resolve("cgan")
    [problem] = hub.hub_problems("cgan")
    assert problem.startswith("generation_config.json: ")
    assert "generation_config.json could not be fetched" in caplog.text


def test_the_hub_cache_serves_offline_afterwards(fake_hub, monkeypatch):
    server, _ = fake_hub
    hub.resolve("cgan")
    server.shutdown()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert (hub.resolve("cgan") / "model.safetensors").is_file()


def test_offline_with_nothing_anywhere_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ganapp.WeightsUnavailable, match="no weights for 'vae'"):
        hub.resolve("vae")


def test_a_revision_the_hub_does_not_have_is_a_clear_error(fake_hub, monkeypatch):
    monkeypatch.setenv("GANAPP_HUB_REVISION", "does-not-exist")
    with pytest.raises(ganapp.WeightsUnavailable, match="does-not-exist"):
        hub.resolve("cgan")


class RecordingApi:
    """Stands in for huggingface_hub.HfApi: records what push asks of it."""

    def __init__(self, tags=()):
        self.calls = []
        self.tags = set(tags)

    def create_repo(self, repo_id, **kw):
        self.calls.append(("create_repo", repo_id, kw))

    def upload_folder(self, **kw):
        self.calls.append(("upload_folder", kw))
        return type("Commit", (), {"oid": "abc", "commit_url": "https://hub/commit/abc"})()

    def create_tag(self, repo_id, **kw):
        self.calls.append(("create_tag", repo_id, kw))
        if kw["tag"] in self.tags and not kw.get("exist_ok"):
            import httpx
            from huggingface_hub.errors import HfHubHTTPError

            response = httpx.Response(409, request=httpx.Request("POST", "https://hub/tag"))
            raise HfHubHTTPError("tag exists", response=response)
        self.tags.add(kw["tag"])

    def delete_tag(self, repo_id, **kw):
        self.calls.append(("delete_tag", repo_id, kw))
        self.tags.discard(kw["tag"])


def test_push_uploads_the_checkpoint_folder_and_tags_it(tiny):
    api = RecordingApi()
    assert hub.push("vae", "someone/ganapp-vae", tag="v1", api=api) == "https://hub/commit/abc"
    (_, repo, _), (_, upload), (_, _, tag) = api.calls
    assert repo == "someone/ganapp-vae"
    assert Path(upload["folder_path"]) == tiny / "vae" and "*.safetensors" in upload["allow_patterns"]
    assert not any(p.endswith((".bin", ".pt", ".pth")) for p in upload["allow_patterns"])
    assert tag == {"tag": "v1", "revision": "abc"}


def test_republishing_moves_the_pinned_tag_to_the_new_commit(tiny):
    api = RecordingApi(tags={"v1"})  # published before, on another commit
    hub.push("vae", "someone/ganapp-vae", tag="v1", api=api)
    assert [c[0] for c in api.calls] == ["create_repo", "upload_folder", "create_tag", "delete_tag", "create_tag"]
    assert api.calls[-1][2] == {"tag": "v1", "revision": "abc"}


@pytest.mark.parametrize("repo", ["no-slash-but-spaces here", "a/b/c", "owner/na me"])
def test_a_malformed_repo_id_is_a_clear_error(tiny, repo):
    with pytest.raises(ValueError, match="not a Hub repo id"):
        hub.push("vae", repo, api=RecordingApi())


def test_push_refuses_a_folder_without_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="train and export"):
        hub.push("cgan", "someone/x", api=RecordingApi())


class FakeSpaceApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, **kw):
        self.calls.append(("create_repo", repo_id, kw))

    def upload_folder(self, **kw):
        self.calls.append(("upload_folder", kw))
        return type("Commit", (), {"commit_url": "https://huggingface.co/spaces/me/ganapp/commit/1", "oid": "1"})()


@pytest.mark.parametrize("weights", [True, False])
def test_deploy_creates_a_gradio_space_and_uploads_the_app(weights):
    api = FakeSpaceApi()
    assert hub.deploy("me/ganapp", api=api, weights=weights).endswith("/commit/1")
    (_, repo, created), (_, upload) = api.calls
    assert repo == "me/ganapp" and created["repo_type"] == "space" and created["space_sdk"] == "gradio"
    files = upload["allow_patterns"]
    assert upload["repo_type"] == "space" and Path(upload["folder_path"]) == hub.PROJECT
    assert {"app.py", "README.md", "requirements.txt", "ganapp/registry.py",
            "ganapp/ui/static/vendor/onnxruntime-web/ort.wasm.bundle.min.mjs", "ganapp/locales/zh-CN.json"} <= set(files)
    assert not [f for f in files if f.startswith(("tests/", "runs/", ".venv/", "benchmarks/", ".ci/"))
                or "__pycache__" in f or f.endswith(".pyi")]
    assert any(f.startswith("checkpoints/") for f in files) == weights
    if weights:
        assert "checkpoints/cgan/model.safetensors" in files


def test_deploy_refuses_a_malformed_space_id():
    with pytest.raises(ValueError, match="not a Hub repo id"):
        hub.deploy("not a repo", api=FakeSpaceApi())
