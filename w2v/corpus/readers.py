"""Streaming corpus readers: every corpus is a re-iterable object yielding one ``list[str]`` per sentence.

>>> corpus = open_corpus("corpus.txt.gz")              # doctest: +SKIP
>>> for epoch in range(5):                             # doctest: +SKIP
...     for sentence in corpus:                        # one streaming pass per epoch
...         ...

Files are read in blocks of :data:`BLOCK_SIZE` bytes, never whole (:mod:`w2v.corpus.blocks` cuts
the blocks into sentences):

- :class:`LineCorpus`: one sentence per line. A line longer than a block (a 100 MB line with no
  newline) is read block by block and cut into pseudo-sentences of at most
  ``max_sentence_length`` tokens, like text8.
- :class:`Text8Corpus`: the whole file is one stream of tokens (newlines are plain white space),
  cut into pseudo-sentences of ``max_sentence_length`` tokens.
- :class:`FolderCorpus`: every non-hidden regular file under a folder, recursively (through links
  to files and folders, each folder once), in sorted path order, each read like a
  :class:`LineCorpus` (FIFOs and devices are skipped with a warning).
- :class:`ListCorpus`: an in-memory list of token lists.

Blocks are cut at the last ASCII white-space byte, so no word is ever split across blocks (and no
UTF-8 sequence either: its bytes are all >= 0x80). ``.gz``, ``.bz2`` and ``.xz`` files are
decompressed on the fly. Bytes that are not valid UTF-8 are replaced by U+FFFD; after each pass
``corpus.decode_errors`` holds how many replacements were made, and a warning is logged.

A line ends at ``\n``, ``\r\n`` or a lone ``\r`` (old Mac files). A UTF-8 byte-order mark at the
start of a file is skipped; a file that starts with a UTF-16 or UTF-32 byte-order mark is refused
(convert it to UTF-8 first), and so is one whose first bytes are those of such text without a mark
(a NUL byte beside each of its first characters). ``-`` (standard input) and named pipes are read
as they arrive, never opened twice: such a :class:`StreamCorpus` can be iterated only once, which is
enough for counting a vocabulary or n-grams and for training (the corpus is encoded once, before
the first epoch).
Standard input is the string ``"-"`` only: a path object, or a string such as ``"./-"``, names a
file (``Path("./-")`` is ``Path("-")``, the file called ``-``).

These readers are the readable reference of the corpus format; training and ``w2v vocab`` read
files through the compiled scan of :mod:`w2v.corpus.scan`, which a test holds to them.
"""
from __future__ import annotations

import logging
import os
import reprlib
from pathlib import Path

import numpy as np

from w2v.corpus.blocks import BLOCK_SIZE, MAX_WORD_BYTES, stream_lines, stream_tokens
from w2v.corpus.folders import folder_files
from w2v.corpus.tokenize import Tokenizer
from w2v.errors import CorpusError
from w2v.corpus.sources import (PrefixedStream, corpus_path, is_standard_input, is_stream, open_text_source,
                                read_full)
from w2v.fileio import check_readable, decompression_errors

# BLOCK_SIZE and MAX_WORD_BYTES belong to w2v.corpus.blocks and stay importable from here. The
# readers look BLOCK_SIZE up in this module when they run, so setting readers.BLOCK_SIZE (as the
# tests do, to stream small blocks) changes the blocks they read.
__all__ = ["BLOCK_SIZE", "MAX_WORD_BYTES", "FolderCorpus", "LineCorpus", "ListCorpus", "StreamCorpus", "Text8Corpus",
           "describe", "open_corpus"]

logger = logging.getLogger(__name__)

_REPLACEMENT = "\ufffd"
_REPLACEMENT_UTF8 = _REPLACEMENT.encode("utf-8")


class _Corpus:
    """Shared machinery: per-pass decode-error count, tokenizer, pseudo-sentence length."""

    decode_errors = 0

    def __init__(self, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
        if int(max_sentence_length) < 1:
            raise ValueError(f"max_sentence_length must be at least 1, got {max_sentence_length}")
        self.tokenizer = tokenizer if tokenizer is not None else Tokenizer()
        self.max_sentence_length = int(max_sentence_length)
        self.decode_errors = 0

    def __iter__(self):
        self.decode_errors = 0
        # gzip/bz2/xz report damage as OSError & co; a raw traceback would not say which file.
        with decompression_errors(lambda: getattr(self, "_reading", None) or self._name(), "corpus"):
            yield from self._sentences()
        if self.decode_errors:
            logger.warning("%s: replaced %d invalid UTF-8 byte sequence(s) with U+FFFD",
                           self._name(), self.decode_errors)

    def _sentences(self):
        raise NotImplementedError

    def _name(self) -> str:
        return repr(str(getattr(self, "path", type(self).__name__)))

    def _decode(self, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            # U+FFFD characters genuinely present in the input are not errors.
            self.decode_errors += text.count(_REPLACEMENT) - data.count(_REPLACEMENT_UTF8)
            return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name()}, tokenizer={self.tokenizer!r})"


class _FileCorpus(_Corpus):
    """One file, streamed in blocks by the subclass's ``_stream`` (lines or one token stream)."""

    def __init__(self, path, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
        super().__init__(tokenizer, max_sentence_length)
        self.path = _existing_file(path)

    def _sentences(self):
        with open_text_source(self.path) as stream:
            yield from self._stream(self, stream, BLOCK_SIZE)


class LineCorpus(_FileCorpus):
    """A text file with one sentence per line (plain, ``.gz``, ``.bz2`` or ``.xz``).

    Parameters
    ----------
    path : str or PathLike
        The file.
    tokenizer : Tokenizer, optional
        Default :class:`Tokenizer()` (lowercased, punctuation dropped).
    max_sentence_length : int, default 10000
        Longer lines are cut into consecutive pieces of at most this many tokens.

    Raises
    ------
    CorpusError
        If the file does not exist or is a folder.
    """

    _stream = staticmethod(stream_lines)


class Text8Corpus(_FileCorpus):
    """A file read as one stream of tokens (text8, enwik9 after cleaning), in pseudo-sentences.

    Parameters
    ----------
    path : str or PathLike
        The file (plain, ``.gz``, ``.bz2`` or ``.xz``).
    tokenizer : Tokenizer, optional
        Default :class:`Tokenizer()`.
    max_sentence_length : int, default 10000
        Tokens per pseudo-sentence (word2vec.c's ``MAX_SENTENCE_LENGTH``, gensim's default); the
        last one may be shorter. With ``tokenizer.split_sentences`` the stream is also cut at
        sentence ends.
    """

    _stream = staticmethod(stream_tokens)


class StreamCorpus(_FileCorpus):
    """Standard input (``-``) or a named pipe, read once as it arrives.

    The shape is decided on the first block, which is kept, not re-read: one sentence per line,
    or text8-style when the first block holds no line end. A second pass raises
    :class:`CorpusError` (a stream cannot be rewound); train and count from it in one go, or save
    it to a file first.
    """

    def __init__(self, path, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
        _Corpus.__init__(self, tokenizer, max_sentence_length)
        # '-' stays the string that names standard input; Path('-') would be a file of that name
        self.path = path if is_standard_input(path) else Path(path)
        self.consumed = False

    def claim(self) -> None:
        """Mark the stream as read, or raise :class:`CorpusError` if it was read before."""
        if self.consumed:
            raise CorpusError(f"corpus {self._name()} is a stream (standard input or a pipe) and was "
                              "already read: it can be read only once; save it to a file to read it again")
        self.consumed = True

    def _sentences(self):
        self.claim()
        with open_text_source(self.path) as stream:
            head = read_full(stream, BLOCK_SIZE)
            shape = stream_tokens if _head_is_text8(head) else stream_lines
            yield from shape(self, PrefixedStream(head, stream), BLOCK_SIZE)


class FolderCorpus(_Corpus):
    """Every non-hidden file under a folder (recursively, sorted by path), each read as lines.

    Hidden files and folders (name starting with ``.``) are skipped, and so are FIFOs, devices and
    sockets (with a warning); compressed files are decompressed by extension. Links to files and to
    folders are followed; a folder reached a second time (a link loop) is skipped with a warning.

    Raises
    ------
    CorpusError
        If the folder does not exist or is a file, holds no regular file, or it or a folder under it
        cannot be listed.
    """

    def __init__(self, path, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
        super().__init__(tokenizer, max_sentence_length)
        root = corpus_path(path)
        if not root.is_dir():
            if root.exists():
                raise CorpusError(f"corpus {str(root)!r} is a file, not a folder: use LineCorpus or open_corpus")
            raise CorpusError(f"folder {str(root)!r} does not exist: check the path")
        self.path = root
        self.files = folder_files(root)
        if not self.files:
            raise CorpusError(f"folder {str(root)!r} has no (non-hidden) regular files: put text files in it")

    def _sentences(self):
        for file in self.files:
            self._reading = repr(str(file))
            with open_text_source(file) as stream:
                yield from stream_lines(self, stream, BLOCK_SIZE)


class ListCorpus(_Corpus):
    """An in-memory corpus: a list (or tuple) of token lists, iterated as is.

    Parameters
    ----------
    sentences : sequence of list of str
        E.g. ``[["the", "cat"], ["a", "dog"]]``. Not re-tokenized. A sentence may also be a tuple or a
        1-D numpy array of str.

    Raises
    ------
    CorpusError
        If ``sentences`` is a list of strings rather than of token lists; while iterating, at the
        first sentence that is not a list or tuple of str (see :func:`_token_list`).
    """

    def __init__(self, sentences):
        super().__init__(None)
        # the commonest mistake, refused before any work; every sentence is checked when read
        first = next((s for s in sentences if not isinstance(s, (list, tuple)) or s), None)
        if isinstance(first, (str, bytes)):
            raise CorpusError("an in-memory corpus must be a list of token lists, e.g. "
                              "[line.split() for line in lines], not a list of strings")
        self.sentences = sentences

    def _name(self) -> str:
        return f"in-memory list of {len(self.sentences)} sentences"

    def _sentences(self):
        name = self._name()
        for index, sentence in enumerate(self.sentences):
            yield _token_list(sentence, index, name)


class _IterableCorpus(_Corpus):
    """Any re-iterable object yielding token lists (e.g. a user's own streaming class)."""

    def __init__(self, iterable):
        super().__init__(None)
        self.iterable = iterable

    def _name(self) -> str:
        return type(self.iterable).__name__

    def _sentences(self):
        name = self._name()
        for index, sentence in enumerate(self.iterable):
            yield _token_list(sentence, index, name)


def _token_list(sentence, index: int, name: str) -> list:
    """``sentence`` as a list of str, or a one-line CorpusError naming it by ``index`` in ``name``.

    Every sentence of an in-memory or iterable corpus passes here: a string would otherwise be read
    as a list of characters, and an int or bytes token fail deep in the scan (``'int' object has no
    attribute 'encode'``) or be counted as a word that cannot be written.
    """
    if type(sentence) is not list:
        if isinstance(sentence, np.ndarray):
            # a 1-D array of str (token columns read back from parquet, rows of a 2-D array): its
            # items as plain str; tolist() keeps any other item as it is, for the check below
            if sentence.ndim != 1:
                raise CorpusError(f"{name}: sentence {index} is a {sentence.ndim}-dimensional numpy array "
                                  f"({reprlib.repr(sentence)}), not a list of str tokens: give one token list "
                                  "(or 1-D array of str) per sentence")
            sentence = sentence.tolist()
        elif not isinstance(sentence, (list, tuple)):
            raise CorpusError(f"{name}: sentence {index} is of type {type(sentence).__name__} "
                              f"({reprlib.repr(sentence)}), not a list of str tokens: give token lists, "
                              "e.g. [line.split() for line in lines]")
        else:
            sentence = list(sentence)
    try:
        # str.join checks every item in C (about 20 ns a token); a Python loop over the tokens
        # would cost about as much as the scan that counts them
        "".join(sentence)
    except TypeError:
        bad = next(token for token in sentence if not isinstance(token, str))
        raise CorpusError(f"{name}: sentence {index} holds a token of type {type(bad).__name__} "
                          f"({reprlib.repr(bad)}): tokens must be str (decode bytes, convert numbers "
                          "with str)") from None
    return sentence


def open_corpus(source, tokenizer: Tokenizer | None = None, max_sentence_length: int = 10000):
    """Open anything that can serve as a corpus, as a re-iterable of token lists.

    Parameters
    ----------
    source : str, PathLike, corpus object, or sequence of list of str
        A file (``.gz``/``.bz2``/``.xz`` decompressed; one sentence per line, or text8-style when
        its first line is longer than a block), a folder, a corpus from this module (returned
        unchanged), a list of token lists, or another re-iterable object yielding token lists.
    tokenizer : Tokenizer, optional
        For files and folders; default :class:`Tokenizer()`.
    max_sentence_length : int, default 10000
        For files and folders: longest pseudo-sentence.

    Returns
    -------
    corpus
        Iterating it yields ``list[str]`` per sentence; it can be iterated again (one pass per epoch).

    Raises
    ------
    CorpusError
        If a path does not exist or is empty (``""``), a folder has no files, or ``source`` is a
        one-shot iterator.
    """
    if isinstance(source, _Corpus):
        return source
    if isinstance(source, (str, os.PathLike)):
        if is_standard_input(source):
            return StreamCorpus(source, tokenizer, max_sentence_length)
        path = corpus_path(source)
        if is_stream(path):
            return StreamCorpus(path, tokenizer, max_sentence_length)
        if path.is_dir():
            return FolderCorpus(path, tokenizer, max_sentence_length)
        path = _existing_file(path)
        if _looks_like_text8(path):
            return Text8Corpus(path, tokenizer, max_sentence_length)
        return LineCorpus(path, tokenizer, max_sentence_length)
    if isinstance(source, (list, tuple)):
        return ListCorpus(source)
    if isinstance(source, (bytes, bytearray)):
        # iterated, it would be a corpus of ints refused at 'sentence 0', which says nothing of a path
        raise CorpusError(f"the corpus {reprlib.repr(source)} is bytes: give a path as str (os.fsdecode(path) "
                          "decodes a file name) or a list of token lists")
    if hasattr(source, "__iter__"):
        if iter(source) is source:
            raise CorpusError("the corpus is a one-shot iterator (e.g. a generator), which would be empty "
                              "after the first pass: pass a list of token lists or a file path")
        return _IterableCorpus(source)
    raise CorpusError(f"cannot read a corpus from a {type(source).__name__}: give a file or folder "
                      "path or a list of token lists")


def describe(source) -> str:
    """A short name of a corpus source for messages (the quoted path, or the kind of object)."""
    if isinstance(source, (str, os.PathLike)):
        return repr(str(source))
    if isinstance(source, _Corpus):
        return source._name()
    if isinstance(source, (list, tuple)):
        return f"(in-memory list of {len(source)} sentences)"
    return f"({type(source).__name__})"


def _existing_file(path) -> Path:
    return check_readable(corpus_path(path), "corpus", folder_hint="use FolderCorpus or open_corpus")


def _looks_like_text8(path: Path) -> bool:
    """True when the first line is longer than a block (one huge line, as text8)."""
    with decompression_errors(path, "corpus"), open_text_source(path) as stream:
        head = read_full(stream, BLOCK_SIZE)
    return _head_is_text8(head)


def _head_is_text8(head: bytes) -> bool:
    return len(head) == BLOCK_SIZE and b"\n" not in head and b"\r" not in head
