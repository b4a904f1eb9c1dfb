"""How text reaches an :class:`~w2v.ngram.model.NgramLM`: token lists checked for the strings that
stand where a list belongs, paths and corpus objects read into token lists, and the name of the
tokenizer that read them (what a model records, so that scoring reads text the same way).

>>> materialise([["the", "cat"]], "fit")
[['the', 'cat']]
"""
from __future__ import annotations

import os
import reprlib
from itertools import chain

import numpy as np

from w2v.errors import W2VError


class TokenListError(W2VError, TypeError):
    """A string was given where a list of tokens (or of token lists) is expected."""


def corpus_reader(source):
    """The corpus object reading ``source`` when it is one that reads files (whose tokenizer and
    ``max_sentence_length`` then read a held-out path too), else None: a path is read with
    ``open_corpus``'s defaults, and token lists by no tokenizer."""
    from w2v.corpus.readers import FolderCorpus, LineCorpus, StreamCorpus, Text8Corpus

    return source if isinstance(source, (LineCorpus, Text8Corpus, FolderCorpus, StreamCorpus)) else None


def recorded_tokenizer(source) -> str | None:
    """The name of the tokenizer that reads ``source`` (``"default"`` or ``"whitespace"``, what
    ``w2v ngram train --tokenizer`` records), or None: token lists are read by none, and a tokenizer
    configured otherwise than a named one (``Tokenizer(lowercase=False)``) has no name that
    reproduces it."""
    from w2v.corpus import Tokenizer

    if isinstance(source, (str, os.PathLike)):
        tokenizer = Tokenizer()  # what materialise's open_corpus reads a path with
    elif corpus_reader(source) is not None:
        tokenizer = source.tokenizer
    else:
        return None
    return next((named.name for named in (Tokenizer(), Tokenizer.whitespace()) if tokenizer == named), None)


def materialise(sentences, method: str, reader=None) -> list:
    """A list of token lists from a list, an iterable, or a path (through ``open_corpus``).

    ``method`` names the caller in the message when a string stands where a token list belongs;
    a path is read with the tokenizer and ``max_sentence_length`` of the corpus object ``reader``
    (see :func:`corpus_reader`), else with ``open_corpus``'s defaults. Bytes (a path as
    ``os.fsencode`` gives it) and objects that are not iterable are refused with a
    :class:`TokenListError`, as ``open_corpus`` refuses them for ``Word2Vec.fit``.
    """
    if isinstance(sentences, (bytes, bytearray, memoryview)):
        # iterated, a bytes path would be a corpus of ints refused at 'sentence 0', which says nothing of a path
        raise TokenListError(f"{method} takes a file path as str or a list of token lists, not bytes "
                             f"({reprlib.repr(bytes(sentences))}): os.fsdecode(path) decodes a file name")
    if not isinstance(sentences, (str, os.PathLike)) and not hasattr(sentences, "__iter__"):
        raise TokenListError(f"{method} takes a file path or a list of token lists, got an object of type "
                             f"{type(sentences).__name__} ({reprlib.repr(sentences)})")
    if isinstance(sentences, (str, os.PathLike)):
        from w2v.corpus import open_corpus

        if isinstance(sentences, str) and not os.path.exists(sentences) and any(c.isspace() for c in sentences):
            # KenLM's perplexity("a sentence") habit: a path with spaces that does not exist is text
            raise TokenListError(f"{method} takes a file path or a list of token lists, and {sentences[:40]!r} "
                                 f"is not a file; for one sentence write lm.{method}([sentence.split()])")
        sentences = (open_corpus(sentences) if reader is None else
                     open_corpus(sentences, tokenizer=reader.tokenizer,
                                 max_sentence_length=reader.max_sentence_length))
    sentences = sentences if isinstance(sentences, list) else list(sentences)
    for index, sentence in enumerate(sentences):
        if isinstance(sentence, str):
            raise TokenListError(f"{method} takes tokenised sentences (token lists), got the string {sentence[:40]!r} as a sentence; "
                                 f"write lm.{method}([s.split() for s in sentences])")
        if isinstance(sentence, bytes) or not (hasattr(sentence, "__len__") and hasattr(sentence, "__iter__")):
            # a generator would be read up by this check, an int fail in len() deep in the encoder
            raise TokenListError(f"{method}: sentence {index} is of type {type(sentence).__name__} "
                                 f"({reprlib.repr(sentence)}), not a list of str tokens: give token lists, "
                                 "e.g. [line.split() for line in lines]")
    try:
        # str.join checks every token in C; an int would otherwise be counted as a word (a model whose
        # saved file cannot be read back), None beside a str fail in a sort, and scoring take both for <unk>
        "".join(chain.from_iterable(sentences))
    except TypeError:
        for index, sentence in enumerate(sentences):
            _check_tokens(sentence, f"{method}: sentence {index}")
        raise
    return sentences


def _check_tokens(tokens, where: str) -> None:
    """Raise :class:`TokenListError` at the first of ``tokens`` that is not a str; ``where`` begins the
    message. An iterator is left alone (this check would read it up)."""
    if not hasattr(tokens, "__len__"):
        return
    try:
        "".join(tokens)
    except TypeError:
        bad = next(token for token in tokens if not isinstance(token, str))
        raise TokenListError(f"{where} holds a token of type {type(bad).__name__} ({reprlib.repr(bad)}): "
                             "tokens must be str (decode bytes, convert numbers with str)") from None


def check_sentence(sentence, bos, eos, method: str) -> None:
    """Raise :class:`TokenListError` unless ``sentence`` is a token list (not a string) and ``bos``
    and ``eos`` are booleans; ``method`` names the caller in the message."""
    if isinstance(sentence, str):
        raise TokenListError(
            f"{method} takes one sentence as a list of tokens, not the string {sentence[:40]!r} (it would be "
            f"scored character by character): write lm.{method}({sentence[:40]!r}.split()); for nltk's "
            "score(word, context) use lm.prob(word, context)")
    _check_tokens(sentence, f"{method}: the sentence")
    for name, value in (("bos", bos), ("eos", eos)):
        if not isinstance(value, (bool, np.bool_)):
            raise TokenListError(f"{method}: {name} must be True or False, got {value!r}; for nltk's "
                                 "score(word, context) use lm.prob(word, context)")


def check_word(word, context, method: str) -> None:
    """Raise :class:`TokenListError` unless ``word`` is one string and ``context`` a list of words
    (:func:`check_context`); ``method`` names the caller in the message."""
    if not isinstance(word, str):
        raise TokenListError(f"{method} takes one word (a string) and its context, got {word!r}; "
                             "for a whole sentence use lm.score(tokens)")
    check_context(context, method)


def check_context(context, method: str) -> None:
    """Raise :class:`TokenListError` if ``context`` (a sequence of previous words) is a string;
    ``method`` names the caller in the message."""
    if isinstance(context, str):
        raise TokenListError(f"{method}: the context is a list of previous words, not the string "
                             f"{context[:40]!r}: write {context[:40]!r}.split()")
    _check_tokens(context, f"{method}: the context")
