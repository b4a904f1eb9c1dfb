"""The bundled evaluation sets are installed with the package and hold what their README says."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import w2v.data
from w2v.data import ANALOGIES, WORD_PAIRS, data_path


def test_analogy_set_has_19544_questions_in_14_sections():
    sections: dict[str, int] = {}
    current = None
    for line in data_path(ANALOGIES).read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            assert current not in sections
            sections[current] = 0
        elif line.strip():
            assert current is not None, "question before the first section header"
            assert len(line.split()) == 4
            sections[current] += 1
    assert len(sections) == 14
    assert sum(sections.values()) == 19_544
    assert sections["capital-common-countries"] == 506
    assert list(sections)[0] == "capital-common-countries" and list(sections)[-1] == "gram9-plural-verbs"


def test_word_pair_set_has_353_scored_pairs():
    pairs = []
    for line in data_path(WORD_PAIRS).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        first, second, score = line.split("\t")
        pairs.append((first, second, float(score)))
    assert len(pairs) == 353
    assert all(0.0 <= score <= 10.0 for *_, score in pairs)
    assert ("tiger", "cat", 7.35) in pairs


def test_data_path_points_inside_the_package_and_rejects_unknown_names():
    package_folder = Path(w2v.data.__file__).parent
    assert data_path(ANALOGIES).parent == package_folder
    with pytest.raises(FileNotFoundError, match="missing"):
        data_path("no-such-set.txt")


def test_every_bundled_file_is_declared_as_package_data():
    """A non-editable install only copies files matched by the package-data globs of pyproject.toml."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    declared = re.search(r'^"w2v\.data"\s*=\s*\[(.*?)\]', pyproject.read_text(encoding="utf-8"), re.M)
    assert declared, "pyproject.toml must declare package data for w2v.data"
    globs = re.findall(r'"([^"]+)"', declared.group(1))
    for name in (ANALOGIES, WORD_PAIRS, "README.md"):
        assert any(Path(name).match(g) for g in globs), name
