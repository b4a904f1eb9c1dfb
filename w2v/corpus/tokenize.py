"""Turning text into tokens: one compiled regular expression over a whole line or block.

>>> tok = Tokenizer()
>>> tok("Rock'n'roll isn't state-of-the-art in 1984, Éva!")
["rock'n'roll", "isn't", 'state-of-the-art', 'in', '1984', 'éva']
>>> Tokenizer(numbers="normalize", split_sentences=True).sentences("It cost 3.50. Cheap!")
[['it', 'cost', '0.00'], ['cheap']]

A token is a run of Unicode letters and digits (``[^\\W_]``; combining marks are not part of it:
write "é" precomposed, as NFC text does); an apostrophe (``'`` or ``’``) or hyphen between two such
runs stays inside the token, so "don't" and "well-known" are one
token while "--" and quotes are dropped. Decimal numbers such as "3.14" or "1,000" are one token.
Lowercasing, accent stripping and number normalisation are done on the whole text before the
regex pass, so the cost is a few C-level passes per block, never a Python loop per character.

This class is the readable definition. Files are tokenized by compiled code over the raw bytes
(:mod:`w2v.corpus.scan`), which a randomized test holds to this class token for token for every
option. Lowercasing is ``str.lower``, with its multi-code-point mapping: 'İ' becomes 'i' plus a
combining dot, which is not a token character, so "İstanbul" gives ``['i', 'stanbul']`` (use
``strip_accents=True`` to get "istanbul"); a capital sigma at the end of a word becomes 'ς'.

With ``numbers="normalize"`` every digit becomes ``0`` ("1984" -> "0000", "3.14" -> "0.00"): numbers
of the same shape share one vector instead of thousands of rare ones. Sentence splitting (off by
default) ends a sentence at ``.``, ``!``, ``?`` or ``…`` (or a run of them) that is not part of a
number; abbreviations such as "e.g." therefore split too — corpora with one sentence per line should
leave it off.
"""
from __future__ import annotations

import re
import unicodedata

_WORD = r"[^\W_]+(?:['\u2019\-][^\W_]+)*"
_NUMBER = r"\d+(?:[.,]\d+)+"
_TOKEN_RE = re.compile(rf"{_NUMBER}|{_WORD}")
# Group 1 is a token, group 2 a sentence end; one findall yields both in order.
_SENTENCE_RE = re.compile(rf"({_NUMBER}|{_WORD})|([.!?\u2026]+)")
_DIGIT_RE = re.compile(r"\d")
# Combining marks left by NFKD decomposition (accents): the main Unicode combining blocks.
_MARKS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

NUMBER_MODES = ("keep", "normalize")
#: every value of :attr:`Tokenizer.name`: what model files record, and all a loader may accept (a
#: name outside it was written by a newer w2v, whose tokens this one cannot reproduce)
TOKENIZER_NAMES = ("default", "whitespace")

# White space as bytes.split() sees it (space, \t, \n, \r, \v, \f). str.split() also
# splits at these other characters, which would cut tokens a word2vec.c-style corpus keeps whole.
_ASCII_SPACE_RUNS = re.compile(r"[^ \t\n\r\x0b\x0c]+")
_OTHER_SPACES = "\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
                "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def split_ascii_whitespace(text: str) -> list[str]:
    """Tokens of ``text`` cut at ASCII white space only, exactly as ``text.encode().split()``.

    ``str.split`` is used when the text holds none of the other characters it splits at (the
    usual case: a few ``in`` scans, then C speed); otherwise a regex over ASCII white space.
    """
    others = _OTHER_SPACES[:4] if text.isascii() else _OTHER_SPACES
    if any(c in text for c in others):
        return _ASCII_SPACE_RUNS.findall(text)
    return text.split()


class Tokenizer:
    """Configurable, deterministic word tokenizer.

    Parameters
    ----------
    lowercase : bool, default True
        Lowercase the text first (``str.lower``, Unicode-aware). word2vec.c does not; most
        evaluation sets are lowercase, and case-folding halves the vocabulary of small corpora.
    numbers : {"keep", "normalize"}, default "keep"
        ``"normalize"`` maps every digit to ``0``.
    split_sentences : bool, default False
        Let :meth:`sentences` cut at sentence-ending punctuation (otherwise the text is one sentence).
    strip_accents : bool, default False
        Remove accents ("café" -> "cafe") by NFKD decomposition and dropping combining marks.

    Examples
    --------
    >>> Tokenizer(lowercase=False)("New York")
    ['New', 'York']
    >>> Tokenizer.whitespace()("Hello,  World !")
    ['Hello,', 'World', '!']
    """

    def __init__(self, lowercase: bool = True, numbers: str = "keep", split_sentences: bool = False,
                 strip_accents: bool = False):
        if numbers not in NUMBER_MODES:
            raise ValueError(f"numbers must be one of {', '.join(NUMBER_MODES)}, got {numbers!r}")
        self.lowercase = bool(lowercase)
        self.numbers = numbers
        self.split_sentences = bool(split_sentences)
        self.strip_accents = bool(strip_accents)
        self._whitespace = False

    @classmethod
    def whitespace(cls) -> "Tokenizer":
        """A tokenizer that only splits on white space: no lowercasing, punctuation kept.

        For corpora that are already tokenized (text8, Brown as distributed, one token per space,
        word2vec.c's ``word2phrase`` output). Tokens are kept as decoded (the readers replace bytes
        that are not UTF-8 by U+FFFD, with a warning that counts them): the cuts are at ASCII
        white space only (space, tab, newline, CR, VT, FF), as ``bytes.split`` cuts, so a no-break
        space or U+3000 inside a token stays in it. word2vec.c's ``ReadWord`` cuts at space, tab and
        newline and drops a CR: a VT or FF inside a token splits it here, not there.
        """
        tok = cls(lowercase=False)
        tok._whitespace = True
        return tok

    @property
    def name(self) -> str:
        """Short name for reports: ``"whitespace"`` or ``"default"``."""
        return "whitespace" if self._whitespace else "default"

    def __repr__(self) -> str:
        if self._whitespace:
            return "Tokenizer.whitespace()"
        return (f"Tokenizer(lowercase={self.lowercase}, numbers={self.numbers!r}, "
                f"split_sentences={self.split_sentences}, strip_accents={self.strip_accents})")

    def __eq__(self, other) -> bool:
        return isinstance(other, Tokenizer) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(vars(self).items())))

    def _prepare(self, text: str) -> str:
        """Apply accent stripping, lowercasing and digit mapping to a whole text at once."""
        if self._whitespace:
            return text
        if self.strip_accents:
            text = _MARKS_RE.sub("", unicodedata.normalize("NFKD", text))
        if self.lowercase:
            text = text.lower()
        if self.numbers == "normalize":
            text = _DIGIT_RE.sub("0", text)
        return text

    def _find(self, prepared: str) -> list[str]:
        """Tokens of text already passed through :meth:`_prepare` (readers prepare whole blocks)."""
        if self._whitespace:
            return split_ascii_whitespace(prepared)
        return _TOKEN_RE.findall(prepared)

    def __call__(self, text: str) -> list[str]:
        """Tokens of ``text``, ignoring sentence boundaries.

        Parameters
        ----------
        text : str
            Any amount of text (a line, a block of a file).

        Returns
        -------
        list of str
        """
        if self._whitespace:
            return split_ascii_whitespace(text)
        return _TOKEN_RE.findall(self._prepare(text))

    def sentences(self, text: str) -> list[list[str]]:
        """Tokens of ``text`` grouped into sentences.

        Returns one sentence (all tokens) unless ``split_sentences`` is set; empty sentences are
        left out, so empty text gives ``[]``.
        """
        return [s for s in self.segments(text) if s]

    def segments(self, text: str) -> list[list[str]]:
        """Like :meth:`sentences` but keeping empty pieces, for streaming readers.

        Always returns at least one list. The last element is the sentence still open at the end
        of ``text`` (empty if ``text`` ended with a sentence end), so a reader that cuts a long line
        into blocks can join it with the first segment of the next block.
        """
        if not self.split_sentences or self._whitespace:
            return [self(text)]
        segments: list[list[str]] = [[]]
        current = segments[0]
        for token, end in _SENTENCE_RE.findall(self._prepare(text)):
            if token:
                current.append(token)
            else:
                # Split even when the current piece is empty: at a block start it closes the
                # sentence carried over from the previous block. Empty pieces are dropped later.
                current = []
                segments.append(current)
        return segments
