import pytest

import moqi.voice.model_files as model_files
from moqi.errors import Invalid
from moqi.voice.model_files import AsrNotInstalled, model_dir


@pytest.fixture
def parts(tmp_path, monkeypatch):
    """Two stand-in packages: the small files and model.bin's first part, and its second."""
    first, second = tmp_path / "p1", tmp_path / "p2"
    first.mkdir()
    second.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (first / name).write_text(name)
    (first / "model.bin.part1").write_bytes(b"A" * 1000)
    (second / "model.bin.part2").write_bytes(b"B" * 999)
    monkeypatch.setattr(
        model_files,
        "base_model_parts",
        lambda: (first, [first / "model.bin.part1", second / "model.bin.part2"]),
    )
    return first, second


def test_base_model_is_assembled_once_from_its_parts(tmp_path, parts):
    models = tmp_path / "home" / "models"
    folder = model_dir(None, models)
    assert folder == models / "whisper-base"
    assert (folder / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 999
    assert (folder / "tokenizer.json").read_text() == "tokenizer.json"
    assert [p.name for p in models.iterdir()] == ["whisper-base"]  # no temporary folder left
    (parts[0] / "model.bin.part1").unlink()  # a second call does not read the parts again
    assert model_dir(None, models) == folder


def test_a_configured_model_must_look_like_one(tmp_path):
    with pytest.raises(Invalid, match="not a CTranslate2 Whisper model"):
        model_dir(tmp_path, tmp_path / "models")
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "config.json").write_text("{}")
    assert model_dir(tmp_path, tmp_path / "models") == tmp_path
    assert not (tmp_path / "models").exists()  # the base model is not assembled then


def test_missing_packages_say_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(model_files, "PACKAGES", ("no_such_pkg_a", "no_such_pkg_b"))
    with pytest.raises(AsrNotInstalled, match=r"pip install 'moqi\[asr\]'"):
        model_dir(None, tmp_path)
