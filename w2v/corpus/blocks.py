"""Cutting a byte stream, read in blocks, into sentences: one per line, or text8's pseudo-sentences.

>>> data = b"the quick brown fox jum"                  # a block that ends inside a word
>>> data[:cut_point(data)], data[cut_point(data):]      # tokenize up to the cut, carry the rest
(b'the quick brown fox ', b'jum')

The corpus readers of :mod:`w2v.corpus.readers` (and the byte ranges of
:mod:`w2v.distributed.shards`) read files through :func:`stream_lines` and :func:`stream_tokens`,
which never hold more than a block and one unfinished run of bytes. A block is cut after its last
ASCII white-space byte (:func:`cut_point`), so no word and no UTF-8 sequence is split across blocks;
the sentence still open at a cut is kept by a :class:`_SentenceBuffer`, which hands out pieces of
at most ``max_sentence_length`` tokens. The compiled scan of :mod:`w2v.corpus.file_scan` cuts its
blocks with :func:`cut_point` too, so both cut a run without white space at the same places.
"""
from __future__ import annotations

from w2v.corpus.tokenize import Tokenizer

#: Bytes read per block.
BLOCK_SIZE = 1 << 20
#: A run of bytes without white space longer than this is cut anyway (at a UTF-8 character
#: boundary) so that memory stays bounded on binary junk; no real word is this long.
MAX_WORD_BYTES = 16 * BLOCK_SIZE


class _SentenceBuffer:
    """The sentence still open across blocks; hands out pieces of at most ``limit`` tokens."""

    def __init__(self, tokenizer: Tokenizer, limit: int):
        self.tokenizer = tokenizer
        self.limit = limit
        self.open: list[str] = []

    def feed(self, text: str, out: list) -> None:
        """Tokenize ``text`` (which continues the open sentence) and move finished pieces to ``out``."""
        segments = self.tokenizer.segments(text)
        self.open.extend(segments[0])
        for segment in segments[1:]:
            self.close(out)
            self.open = segment
        limit = self.limit
        if len(self.open) >= limit:
            tokens = self.open
            cut = len(tokens) - len(tokens) % limit
            out.extend(tokens[i:i + limit] for i in range(0, cut, limit))
            self.open = tokens[cut:]

    def close(self, out: list) -> None:
        """End the open sentence (end of line or file)."""
        tokens, limit = self.open, self.limit
        if tokens:
            out.extend(tokens[i:i + limit] for i in range(0, len(tokens), limit))
        self.open = []


def cut_point(data: bytes) -> int:
    """Index just after the last ASCII white-space byte of ``data``, or -1 if there is none.

    ``data`` starts where the run being read began (after a cut), so a run without white space
    longer than :data:`MAX_WORD_BYTES` is cut at the last UTF-8 character start at or before that
    many bytes: the same places whatever the size of the blocks read (the readers' and the
    compiled scan's differ).

    Parameters
    ----------
    data : bytes
        What was read since the last cut: the carried run, then the block read after it.

    Returns
    -------
    int
        ``data[:cut]`` is ready to tokenize and ``data[cut:]`` is carried into the next block; -1
        means read more (no white space, and not more than :data:`MAX_WORD_BYTES` bytes).
    """
    last = max(data.rfind(b" "), data.rfind(b"\n"), data.rfind(b"\t"), data.rfind(b"\r"),
               data.rfind(b"\x0b"), data.rfind(b"\x0c"))
    if last >= 0:
        return last + 1
    if len(data) > MAX_WORD_BYTES:
        # No white space for megabytes: cut at a character start rather than grow forever.
        cut = MAX_WORD_BYTES
        while cut > MAX_WORD_BYTES - 3 and 0x80 <= data[cut] < 0xC0:   # a character has at most 4 bytes
            cut -= 1
        return cut
    return -1


def stream_tokens(corpus, stream, block: int):
    """Text8-style reading: the stream is one token sequence, cut into pseudo-sentences.

    Parameters
    ----------
    corpus : w2v.corpus.readers._Corpus
        The reader being iterated: its ``tokenizer`` and ``max_sentence_length`` are used, and its
        ``_decode`` turns bytes into text (counting invalid UTF-8 in ``corpus.decode_errors``).
    stream : binary file object
        Read with ``read(block)`` until it returns no bytes.
    block : int
        Bytes asked per read.

    Yields
    ------
    list of str
        One pseudo-sentence of at most ``corpus.max_sentence_length`` tokens (also cut at sentence
        ends when the tokenizer splits sentences).
    """
    buffer = _SentenceBuffer(corpus.tokenizer, corpus.max_sentence_length)
    carry = b""
    out: list = []
    while True:
        data = stream.read(block)
        if not data:
            break
        if carry:
            data = carry + data
        cut = cut_point(data)
        if cut < 0:
            carry = data
            continue
        carry = data[cut:]
        buffer.feed(corpus._decode(data[:cut]), out)
        yield from out
        out.clear()
    if carry:
        buffer.feed(corpus._decode(carry), out)
    buffer.close(out)
    yield from out


def stream_lines(corpus, stream, block: int):
    """Line-per-sentence reading; a line longer than a block is streamed like text8.

    Parameters are those of :func:`stream_tokens`. A line ends at ``\\n``, ``\\r\\n`` or a lone
    ``\\r``. Each line yields its tokens in pieces of at most ``corpus.max_sentence_length`` (also
    cut at sentence ends when the tokenizer splits sentences); an empty line yields nothing.
    """
    tokenizer = corpus.tokenizer
    limit = corpus.max_sentence_length
    plain = not tokenizer.split_sentences or tokenizer.name == "whitespace"
    # Tokens of the line that started in an earlier block and has not ended yet.
    buffer = _SentenceBuffer(tokenizer, limit)
    carry = b""
    out: list = []
    while True:
        data = stream.read(block)
        if not data:
            break
        if carry:
            data = carry + data
            carry = b""
        # a lone CR ends a line too; CRLF then gives an empty line, which yields nothing
        data = data.replace(b"\r", b"\n")
        newline = data.rfind(b"\n")
        if newline < 0:
            if len(data) < block:
                carry = data          # short read: wait for more before deciding
                continue
            cut = cut_point(data)
            if cut < 0:
                carry = data
                continue
            carry = data[cut:]
            buffer.feed(corpus._decode(data[:cut]), out)
        else:
            carry = data[newline + 1:]
            text = corpus._decode(data[:newline])
            first_end = text.find("\n")
            buffer.feed(text if first_end < 0 else text[:first_end], out)   # ends the line begun in
            buffer.close(out)                                               # earlier blocks, if any
            rest = "" if first_end < 0 else text[first_end + 1:]
            if plain:
                # Case folding etc. once per block; then one regex pass per line.
                find = tokenizer._find
                for line in tokenizer._prepare(rest).split("\n"):
                    tokens = find(line)
                    if tokens:
                        if len(tokens) > limit:
                            out.extend(tokens[i:i + limit] for i in range(0, len(tokens), limit))
                        else:
                            out.append(tokens)
            elif first_end >= 0:
                for line in rest.split("\n"):
                    buffer.feed(line, out)
                    buffer.close(out)
        yield from out
        out.clear()
    if carry:
        buffer.feed(corpus._decode(carry), out)
    buffer.close(out)
    yield from out
