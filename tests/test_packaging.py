"""The installed distribution carries its licence, type marker and metadata."""
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_metadata_names_licence_authors_and_classifiers():
    meta = metadata.metadata("w2v")
    assert meta.get("License-Expression") == "MIT" or meta.get("License") == "MIT"
    assert "w2v contributors" in meta["Author"]
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and any(c.startswith("Programming Language :: Python :: 3") for c in classifiers)


def test_py_typed_is_shipped_and_licence_and_changelog_exist():
    assert (resources.files("w2v") / "py.typed").is_file()
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
