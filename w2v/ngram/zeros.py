"""Why a text gets probability 0 under a model read from an ARPA file: the file said so, not training.

>>> arpa_zero_reason(lm.tables_, lm.vocab_.words, encoded.ids, tokens)   # doctest: +SKIP
"2 of 9 tokens have probability 0: 2 n-gram(s) unseen after a context whose back-off weight is 0 ..."
"""
from __future__ import annotations

import numpy as np

from w2v.ngram.counts import lookup_rows
from w2v.ngram.encoding import UNK


def arpa_zero_reason(tables, words, ids: np.ndarray, tokens: int) -> str:
    """Why tokens of a read ARPA file have probability 0: the file, not training, said so.

    Three causes are counted apart: unknown words when the file gives ``<unk>`` no probability
    (no entry, or -99); n-grams the file lists at -99; and n-grams it does not list after a
    context whose back-off weight is -99 (a zero weight: every MLE model's contexts have one,
    so that n-grams unseen in training get nothing). The last two name an example.

    Parameters
    ----------
    tables : BackoffTables
        The model's tables, as read from the file.
    words : list of str
        The model's vocabulary (``ids`` index it).
    ids : np.ndarray[int64]
        The encoded text (``<s> w .. </s> ...``), as scored.
    tokens : int
        Tokens scored.
    """
    t = tables
    scores, length = t.score_ids(ids, return_order=True)
    rows = lookup_rows(t.keys, ids, t.vocab_size)
    unk = listed = backoff = 0
    listed_example = backoff_example = None
    for p in np.flatnonzero(np.isneginf(scores)).tolist():
        n = int(length[p])
        if np.isneginf(t.logprob[n - 1][rows[n - 1][p]]):
            if n == 1 and ids[p] == UNK:
                unk += 1
            else:
                listed += 1
                listed_example = listed_example or " ".join(words[i] for i in ids[p - n + 1:p + 1])
            continue
        # the n-gram read was not zero: a back-off weight on the way down from a longer context was
        backoff += 1
        if backoff_example is None:
            for m in range(n + 1, t.order + 1):
                ctx = rows[m - 2][p - 1] if p > 0 else -1
                if ctx >= 0 and np.isneginf(t.logbow[m - 2][ctx]):
                    backoff_example = " ".join(words[i] for i in ids[p - m + 1:p + 1])
                    break
    parts = []
    if unk:
        parts.append(f"{unk} unknown word(s), scored as <unk>, to which the ARPA file gives probability 0 "
                     "(it has no <unk> entry, or gives it -99; KenLM would score them -100)")
    if listed:
        parts.append(f"{listed} n-gram(s) the ARPA file lists at -99 (e.g. '{listed_example}'), "
                     "i.e. probability 0")
    if backoff:
        example = f", e.g. '{backoff_example}'" if backoff_example else ""
        parts.append(f"{backoff} n-gram(s) unseen after a context whose back-off weight is 0{example} "
                     "(-99 in the file, as in an MLE model: n-grams unseen in training get nothing; "
                     "a smoothed model gives them a probability)")
    return f"{int(unk + listed + backoff)} of {tokens} tokens have probability 0: " + "; ".join(parts)
