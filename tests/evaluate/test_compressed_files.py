"""Evaluation files compressed with gzip, bzip2 or xz are read as gensim reads them (by extension)."""
from __future__ import annotations

import bz2
import gzip
import lzma

import pytest

from w2v.evaluate import EvaluationFileError, evaluate_analogies, evaluate_word_pairs

COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
PAIRS = "athens\tgreece\t9\nrome\titaly\t8\nparis\tspain\t2\ntokyo\tgreece\t1\nmadrid\tspain\t7\n"


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_compressed_questions_and_pairs_give_the_plain_files_results(planted_kv, questions_file, tmp_path, suffix):
    # they were read as raw bytes: "line 1 comes before any ': section' header" and "holds no
    # 'word1<TAB>word2<TAB>score' line", where gensim's evaluate_* decompress them
    packed = tmp_path / f"questions.txt{suffix}"
    packed.write_bytes(COMPRESS[suffix](questions_file.read_bytes()))
    expected = evaluate_analogies(planted_kv, questions_file, restrict_vocab=None)
    r = evaluate_analogies(planted_kv, packed, restrict_vocab=None)
    assert r.to_dict() == expected.to_dict() and r.questions == 7
    plain = tmp_path / "pairs.tsv"
    plain.write_text(PAIRS)
    packed = tmp_path / f"pairs.tsv{suffix}"
    packed.write_bytes(COMPRESS[suffix](PAIRS.encode()))
    expected = evaluate_word_pairs(planted_kv, plain, restrict_vocab=None)
    assert evaluate_word_pairs(planted_kv, packed, restrict_vocab=None).to_dict() == expected.to_dict()
    assert expected.pairs == 5


def test_a_damaged_compressed_file_is_a_one_line_file_error(planted_kv, questions_file, tmp_path):
    cut = tmp_path / "questions.txt.gz"
    cut.write_bytes(gzip.compress(questions_file.read_bytes())[:-12])
    with pytest.raises(EvaluationFileError, match="questions.txt.gz.*corrupt or truncated") as err:
        evaluate_analogies(planted_kv, cut)
    assert "\n" not in str(err.value)
    fake = tmp_path / "pairs.tsv.gz"
    fake.write_text(PAIRS)
    with pytest.raises(EvaluationFileError, match="pairs.tsv.gz.*corrupt or truncated"):
        evaluate_word_pairs(planted_kv, fake)
