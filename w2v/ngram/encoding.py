"""The n-gram model's vocabulary and the flat integer id sequence that counting and scoring work on.

>>> vocab = NgramVocab.build([["a", "b"], ["a"]], min_count=2)
>>> vocab.words
['<unk>', '<s>', '</s>', 'a']
>>> encode(vocab, [["a", "b"]]).ids.tolist()      # <s> a <unk> </s>
[1, 3, 0, 2]

Ids 0, 1 and 2 are always ``<unk>``, ``<s>`` and ``</s>`` (KenLM's order), then the kept words by
descending count (ties by the word itself, so the order is deterministic). Training words below
``min_count`` and words unseen at training time are both mapped to ``<unk>``, which is an ordinary
word of the model: it has counts like any other, and when no training word falls below
``min_count`` it still exists with count 0 and receives only its share of the uniform base
distribution (as KenLM's ``<unk>`` does).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, count
from typing import Iterable, Sequence

import numpy as np

from w2v.errors import CorpusError

UNK, BOS, EOS = 0, 1, 2
SPECIALS = ("<unk>", "<s>", "</s>")


class NgramVocab:
    """Word <-> id mapping of an n-gram model.

    Parameters
    ----------
    words : sequence of str
        All words by id; must start with ``<unk>``, ``<s>``, ``</s>``.
    """

    def __init__(self, words: Sequence[str]):
        self.words = list(words)
        if tuple(self.words[:3]) != SPECIALS:
            raise ValueError("an n-gram vocabulary must start with <unk>, <s>, </s>")
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("duplicate words in the n-gram vocabulary")

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], min_count: int = 2) -> "NgramVocab":
        """Count the words of ``sentences`` and keep those seen at least ``min_count`` times.

        Parameters
        ----------
        sentences : iterable of list of str
            Tokenised training sentences (iterated once).
        min_count : int
            Words seen fewer times become ``<unk>``. The default 2 is the usual choice for
            perplexity comparisons: singletons train the ``<unk>`` statistics.

        Raises
        ------
        CorpusError
            When the sentences hold no word at all.
        """
        return build_and_encode(sentences, min_count)[0]


@dataclass
class EncodedText:
    """Sentences as one flat id sequence ``<s> w1 .. wk </s> <s> ...`` (empty sentences dropped).

    Attributes
    ----------
    ids : np.ndarray[int64] (T,)
        Word ids with ``BOS`` before and ``EOS`` after every sentence.
    n_sentences : int
        Sentences kept (non-empty).
    n_empty : int
        Empty sentences dropped.
    n_oov : int
        Tokens mapped to ``<unk>`` because they are not in the vocabulary (a literal ``<unk>``
        token is not counted as OOV).
    """

    ids: np.ndarray
    n_sentences: int
    n_empty: int
    n_oov: int

    @property
    def n_tokens(self) -> int:
        """Tokens that are scored: every word plus one ``</s>`` per sentence (``<s>`` excluded)."""
        return int(self.ids.size - self.n_sentences)


def _flat_ids(sentences: Iterable[Sequence[str]]):
    """Number the distinct tokens in order of appearance, without a Python loop per token.

    Returns (types: list of str, ids: int64 array of type numbers per token, lengths of the
    non-empty sentences, number of empty sentences).
    """
    sentences = sentences if isinstance(sentences, list) else list(sentences)
    kept = list(filter(len, sentences))
    if str in set(map(type, kept)):
        raise TypeError("sentences must be lists of tokens, not strings: tokenise them first")
    flat = list(chain.from_iterable(kept))
    # dict.fromkeys and map(dict.__getitem__) run in C: one hash per token, no bytecode per token
    type_index = dict(zip(dict.fromkeys(flat), count()))
    ids = np.fromiter(map(type_index.__getitem__, flat), dtype=np.int64, count=len(flat))
    return list(type_index), ids, list(map(len, kept)), len(sentences) - len(kept)


def _assemble(words: np.ndarray, lengths: list, n_empty: int, n_oov: int) -> "EncodedText":
    lens = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lens + 2)
    starts = ends - lens - 2
    ids = np.empty(int(ends[-1]) if lens.size else 0, dtype=np.int64)
    is_word = np.ones(ids.size, dtype=bool)
    is_word[starts] = False
    is_word[ends - 1] = False
    ids[starts] = BOS
    ids[ends - 1] = EOS
    ids[is_word] = words
    return EncodedText(ids=ids, n_sentences=int(lens.size), n_empty=n_empty, n_oov=n_oov)


def build_and_encode(sentences: Iterable[Sequence[str]], min_count: int = 2) -> tuple[NgramVocab, "EncodedText"]:
    """Build the vocabulary of a training text and encode it, in one pass over the tokens.

    Parameters
    ----------
    sentences : iterable of list of str
        Iterated once.
    min_count : int
        Words seen fewer times become ``<unk>``.

    Returns
    -------
    (NgramVocab, EncodedText)

    Raises
    ------
    CorpusError
        When the sentences hold no word at all.
    """
    types, ids, lengths, n_empty = _flat_ids(sentences)
    type_counts = np.bincount(ids, minlength=len(types))
    specials = np.array([t in SPECIALS for t in types], dtype=bool)
    if not np.any(~specials):
        raise CorpusError("the training text holds no words: give at least one non-empty sentence")
    keep = (type_counts >= min_count) & ~specials
    kept = np.flatnonzero(keep)
    # descending count, ties by the word itself: deterministic whatever the input order
    # (a C-level sort by word, then a stable numpy sort by count)
    kept = kept[sorted(range(kept.size), key=[types[t] for t in kept.tolist()].__getitem__)]
    order = kept[np.argsort(-type_counts[kept], kind="stable")]
    vocab = NgramVocab(list(SPECIALS) + [types[t] for t in order])
    remap = np.full(len(types), UNK, dtype=np.int64)
    remap[order] = np.arange(len(SPECIALS), len(SPECIALS) + len(order))
    # a literal <s>/</s> in the text cannot be a word (they are the boundaries): <unk> it is
    return vocab, _assemble(remap[ids], lengths, n_empty, 0)


def encode(vocab: NgramVocab, sentences: Iterable[Sequence[str]]) -> EncodedText:
    """Map tokenised sentences to the flat id sequence used by counting and scoring.

    Parameters
    ----------
    vocab : NgramVocab
        The model's vocabulary; unknown words (and a literal ``<s>``/``</s>``) become ``<unk>``.
    sentences : iterable of list of str
        Iterated once.

    Returns
    -------
    EncodedText
    """
    types, ids, lengths, n_empty = _flat_ids(sentences)
    get = vocab.index.get
    remap = np.array([get(t, -1) for t in types], dtype=np.int64)
    words = remap[ids] if ids.size else ids
    oov = words < 0
    # A literal "<unk>" in the text is the word <unk>, not an out-of-vocabulary token.
    n_oov = int(np.count_nonzero(oov))
    words[oov | (words == BOS) | (words == EOS)] = UNK
    return _assemble(words, lengths, n_empty, n_oov)
