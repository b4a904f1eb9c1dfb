"""Vocabulary: word counts, word <-> id maps, and the encoded corpus the trainers read.

>>> vocab = Vocabulary.build([["the", "cat"], ["the", "dog"]], min_count=1)
>>> vocab.words, vocab.counts.tolist(), vocab.index_of("cat")
(['the', 'cat', 'dog'], [2, 1, 1], 1)
>>> vocab.encode([["the", "dog", "emu"]]).ids          # OOV tokens are dropped
array([0, 2], dtype=int32)

Counting and encoding are done by the corpus pipeline (:mod:`w2v.corpus.pipeline`): the text is
read once, by compiled code for files. Words are sorted by descending count, ties broken by the
word itself (code-point order), so the
same corpus always gives the same ids whatever the order its files or sentences are read in.
Id 0 is the most frequent word, which is what the Huffman tree and the alias table expect.

``max_vocab_size`` bounds memory during counting the way word2vec.c does: after a sentence, if the
table holds more than ``max_vocab_size`` words, every word seen at most ``threshold`` times so far is
dropped and ``threshold`` grows by one (starting at 1). A dropped word's occurrences so far are
dropped from the encoded corpus too, as if it were below ``min_count``; if it comes back it is
counted afresh, so counts of words that survive are lower bounds. :attr:`Vocabulary.pruned` records
that this happened. ``max_final_vocab`` instead raises ``min_count`` just enough that at most that many words
are kept, after exact counting.
"""
from __future__ import annotations

import difflib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.errors import CorpusError, ModelFormatError, UnknownWordError
from w2v.fileio import (WORD_BREAKS, WORD_ENCODE_ERRORS, atomic_write, check_model_file, first_unwritable_word,
                        shown_name)

logger = logging.getLogger(__name__)

_MAGIC = "#w2v-vocabulary"
#: word2vec.c's sentence end, the first word of its vocabulary files (the line ends it read)
_SENTENCE_END = "</s>"
_FORMAT_VERSION = 1
#: one body line: a word without ASCII white space or NUL, one space, a decimal count; word2vec.c's
#: files never hold more (its reader cuts words at white space), so anything else is damage. Other
#: control characters are kept: word2vec.c and the whitespace tokenizer keep them inside words
_LINE = re.compile(f"([^{re.escape(WORD_BREAKS)}]+) ([0-9]+)")
#: a header number: ASCII digits only (str.isdigit and int() also take '²' or '٩')
_NUMBER = re.compile("[0-9]+")
#: counts are held as int64 (and summed so): a larger count or total is no count a corpus gave
_MAX_COUNT = np.iinfo(np.int64).max


@dataclass(frozen=True)
class EncodedCorpus:
    """A corpus as one flat array of word ids plus sentence boundaries, ready for compiled loops.

    Attributes
    ----------
    ids : np.ndarray of int32, shape (N,)
        Word ids of every kept token, sentences concatenated.
    offsets : np.ndarray of int64, shape (S + 1,)
        Sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``; ``offsets[0] == 0`` and
        ``offsets[-1] == N``. No sentence is empty.
    """

    ids: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def n_sentences(self) -> int:
        """Number of sentences ``S``."""
        return int(self.offsets.shape[0] - 1)

    def sentence(self, s: int) -> np.ndarray:
        """Ids of sentence ``s`` (a view), int32 of shape (length,)."""
        return self.ids[self.offsets[s]:self.offsets[s + 1]]

    def __iter__(self):
        for s in range(self.n_sentences):
            yield self.sentence(s)


class Vocabulary:
    """Words sorted by descending count, with their counts and ids.

    Normally made by :meth:`build` or :meth:`load`; the constructor takes words already sorted.

    Parameters
    ----------
    words : list of str, length V
        Distinct words, most frequent first.
    counts : array_like of int, shape (V,)
        Count of each word, non-increasing.
    total_words : int, optional
        Tokens seen in the corpus, including those of dropped words (default: ``counts.sum()``).
    min_count : int, default 1
        The effective minimum count that was applied.
    pruned : bool, default False
        Whether ``max_vocab_size`` pruning dropped words while counting.

    Attributes
    ----------
    words : list of str
    counts : np.ndarray of int64, shape (V,)
    index : dict of str to int
        Word -> id.
    total_words : int
        All tokens read.
    retained_words : int
        Tokens of kept words, ``counts.sum()``.
    min_count : int
        Effective minimum count (raised by ``max_final_vocab`` when that applied).
    pruned : bool
        True if ``max_vocab_size`` dropped words during counting (counts are then lower bounds).
    decode_errors : int
        Replaced non-UTF-8 bytes while reading the corpus (0 for in-memory or loaded vocabularies).
    n_sentences : int
        Sentences read by :meth:`build` (0 when loaded).
    """

    def __init__(self, words, counts, total_words: int | None = None, min_count: int = 1,
                 pruned: bool = False):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64).reshape(-1)
        if len(self.words) != self.counts.shape[0]:
            raise ValueError(f"{len(self.words)} words but {self.counts.shape[0]} counts")
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("vocabulary words must be distinct")
        self.retained_words = int(self.counts.sum())
        self.total_words = self.retained_words if total_words is None else int(total_words)
        self.min_count = int(min_count)
        self.pruned = bool(pruned)
        self.decode_errors = 0
        self.n_sentences = 0

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(cls, corpus, min_count: int = 5, max_vocab_size: int | None = None,
              max_final_vocab: int | None = None) -> "Vocabulary":
        """Count the words of ``corpus`` in one streaming pass.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
            Anything :func:`w2v.corpus.open_corpus` accepts.
        min_count : int, default 5
            Drop words seen fewer times (word2vec.c's ``-min-count``); 5 removes most typos and
            keeps rare words from getting vectors trained on a handful of contexts.
        max_vocab_size : int, optional
            Bound on distinct words held while counting; see the module docstring. ``None``
            counts exactly (memory grows with the number of distinct words).
        max_final_vocab : int, optional
            Keep at most this many words by raising ``min_count`` as little as needed (ties at
            the boundary are all dropped, so fewer words may remain).

        Returns
        -------
        Vocabulary

        Raises
        ------
        CorpusError
            If the corpus has no tokens, or no word reaches the (effective) ``min_count``.
        ValueError
            If a size or count parameter is out of range.
        """
        from w2v.corpus.pipeline import build_vocabulary

        return build_vocabulary(corpus, min_count=min_count, max_vocab_size=max_vocab_size,
                                max_final_vocab=max_final_vocab)

    # -- lookups ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __iter__(self):
        return iter(self.words)

    def __repr__(self) -> str:
        return (f"Vocabulary(size={len(self)}, total_words={self.total_words}, "
                f"retained_words={self.retained_words}, min_count={self.min_count})")

    def index_of(self, word: str) -> int:
        """Id of ``word``.

        Raises
        ------
        UnknownWordError
            If ``word`` is not in the vocabulary (with close spellings as suggestions).
        """
        try:
            return self.index[word]
        except KeyError:
            # Only the frequent part is searched, so the error stays instant on huge vocabularies.
            close = difflib.get_close_matches(str(word), self.words[:20000], n=3)
            raise UnknownWordError(word, close) from None

    def count_of(self, word: str) -> int:
        """Count of ``word`` (raises :class:`UnknownWordError` if absent)."""
        return int(self.counts[self.index_of(word)])

    # -- encoding -----------------------------------------------------------------------------

    def encode(self, corpus, max_sentence_length: int = 10000) -> EncodedCorpus:
        """Turn a corpus into int32 ids and sentence offsets, dropping out-of-vocabulary tokens.

        Parameters
        ----------
        corpus : path, corpus object or list of list of str
            Anything :func:`w2v.corpus.open_corpus` accepts.
        max_sentence_length : int, default 10000
            Sentences longer than this (after dropping OOV tokens) are cut into consecutive
            pieces of at most this length, never truncated.

        Returns
        -------
        EncodedCorpus
            Empty sentences (all tokens OOV) are left out.
        """
        from w2v.corpus.pipeline import encode_with_vocabulary

        return encode_with_vocabulary(corpus, self, max_sentence_length=max_sentence_length)

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: str | os.PathLike, word2vec_c: bool = False) -> None:
        """Write the vocabulary as UTF-8 text: a header line, then ``word count`` per line.

        The body is word2vec.c's ``-save-vocab`` format, but word2vec.c's ``-read-vocab`` cannot read
        the header (it takes the first line as its word 0, the sentence end): ``word2vec_c`` writes
        word2vec.c's own file instead. :meth:`load` reads both.

        Parameters
        ----------
        path : str or PathLike
            Destination (written atomically).
        word2vec_c : bool, default False
            No header; first ``</s> N``, word2vec.c's sentence end counted once per sentence read
            (``n_sentences``, 0 when unknown; its own count when ``</s>`` is a word here, as in a
            vocabulary read from word2vec.c's file), then the words. The total of tokens, the
            minimum count and whether counting pruned are then not kept.
        """
        bad = first_unwritable_word(self.words)  # what load() would refuse
        if bad is not None:
            raise CorpusError(f"word {bad!r} cannot be saved in a 'word count' vocabulary file (a word there "
                              "holds no white space and no NUL): save the trainer state instead, which "
                              "stores any word")
        pairs = zip(self.words, self.counts.tolist())
        if word2vec_c:
            end = _SENTENCE_END
            head = f"{end} {self.counts[self.index[end]] if end in self.index else self.n_sentences}\n"
            pairs = ((w, c) for w, c in pairs if w != end)
        else:
            head = (f"{_MAGIC} version={_FORMAT_VERSION} words={len(self)} total_words={self.total_words} "
                    f"min_count={self.min_count} pruned={int(self.pruned)}\n")
        body = "".join(f"{w} {c}\n" for w, c in pairs)
        # a word holding a lone surrogate is written as the vector files write it (load() reads it)
        with atomic_write(path, "w", errors=WORD_ENCODE_ERRORS) as f:
            f.write(head)
            f.write(body)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Vocabulary":
        """Read a file written by :meth:`save` (or a header-less word2vec.c ``-save-vocab`` file).

        A UTF-8 byte-order mark at the start is skipped.

        Raises
        ------
        ModelFormatError
            If the file is missing, or a line is malformed (the message names the line).
        """
        p = check_model_file(path, "vocabulary file")
        where = shown_name(p)   # as the messages name the file: one line even if the name holds a newline
        with open(p, "rb") as f:
            raw = f.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            # a UTF-8 byte-order mark (Windows editors write one), as the corpus readers skip it;
            # kept, it would be part of the first word, which then matches no token of a corpus
            raw = raw[3:]
        try:
            # the bytes save() writes for a word holding a lone surrogate are that word; any other
            # invalid UTF-8 is a damaged file
            lines = raw.decode("utf-8", "surrogatepass").split("\n")
        except UnicodeDecodeError as err:
            line_no = raw[:err.start].count(b"\n") + 1
            raise ModelFormatError(f"{where}:{line_no}: not UTF-8 text: the vocabulary file is corrupt") from None
        if lines and lines[-1] == "":
            lines.pop()
        header: dict[str, str] = {}
        first = 0
        if lines and lines[0].startswith(_MAGIC):
            header = _parse_header(lines[0], p)
            first = 1
        words, counts, total = [], [], 0
        for line_no, line in enumerate(lines[first:], start=first + 1):
            match = _LINE.fullmatch(line[:-1] if line.endswith("\r") else line)
            if match is None:
                raise ModelFormatError(f"{where}:{line_no}: expected 'word count' (a word without white space or "
                                       f"NUL, one space, a count), got {line[:60]!r}: "
                                       "the vocabulary file is corrupt")
            words.append(match.group(1))
            counts.append(int(match.group(2)))
            total += counts[-1]
            if total > _MAX_COUNT:
                raise ModelFormatError(f"{where}:{line_no}: the counts add up to more than {_MAX_COUNT:,} (a 64-bit "
                                       "integer) here: the vocabulary file is corrupt")
        if not words:
            raise ModelFormatError(f"{where}: the vocabulary file has no words")
        if len(set(words)) != len(words):
            seen: set = set()
            for line_no, word in enumerate(words, start=first + 1):
                if word in seen:
                    raise ModelFormatError(f"{where}:{line_no}: word {word!r} appears twice: the file is corrupt")
                seen.add(word)
        if header:
            expected = int(header["words"])
            if expected != len(words):
                raise ModelFormatError(f"{where}:1: header says {expected} words but the file has "
                                       f"{len(words)}: the file is truncated or corrupt")
            for k in range(1, len(counts)):
                if counts[k] > counts[k - 1]:
                    raise ModelFormatError(f"{where}:{k + first + 1}: counts are not in descending order: "
                                           "the file is corrupt")
            if int(header["total_words"]) < sum(counts):
                raise ModelFormatError(f"{where}:1: header says total_words={header['total_words']}, fewer than "
                                       f"the {sum(counts)} the words' counts add up to: the file is corrupt")
        else:
            # word2vec.c puts "</s>" first whatever its count: restore our ordering.
            order = sorted(range(len(words)), key=lambda i: (-counts[i], words[i]))
            words = [words[i] for i in order]
            counts = [counts[i] for i in order]
        return cls(words, counts,
                   total_words=int(header["total_words"]) if header else None,
                   min_count=int(header.get("min_count", min(counts) if counts else 1)) if header
                   else max(1, min(counts)),
                   pruned=header.get("pruned", "0") == "1")


def _parse_header(line: str, path: Path) -> dict[str, str]:
    fields = {}
    for item in line.split()[1:]:
        key, sep, value = item.partition("=")
        if not sep:
            raise ModelFormatError(f"{shown_name(path)}:1: malformed header field {item!r}: the file is corrupt")
        fields[key] = value
    for key in ("version", "words", "total_words", "min_count"):
        if not _NUMBER.fullmatch(fields.get(key, "")):
            raise ModelFormatError(f"{shown_name(path)}:1: header lacks a numeric {key!r} (ASCII digits): "
                                   "the vocabulary file is corrupt")
        if int(fields[key]) > _MAX_COUNT:
            raise ModelFormatError(f"{shown_name(path)}:1: header field {key!r} is more than {_MAX_COUNT:,} "
                                   "(a 64-bit integer): the vocabulary file is corrupt")
    if fields.get("pruned", "0") not in ("0", "1"):
        raise ModelFormatError(f"{shown_name(path)}:1: header field 'pruned' must be 0 or 1: the file is corrupt")
    if int(fields["version"]) < 1 or int(fields["min_count"]) < 1:
        raise ModelFormatError(f"{shown_name(path)}:1: header fields 'version' and 'min_count' must be at least 1: "
                               "the file is corrupt")
    if int(fields["version"]) > _FORMAT_VERSION:
        raise ModelFormatError(f"{shown_name(path)}:1: vocabulary format version {fields['version']} is newer than "
                               "this w2v understands: upgrade w2v")
    return fields
