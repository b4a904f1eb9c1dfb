"""``w2v ngram train|perplexity|generate``: the n-gram language-model baseline from the shell.

    w2v ngram train corpus.txt -n 3 --smoothing modified-kneser-ney -o brown3.lm
    w2v ngram perplexity brown3.lm test.txt --json
    w2v ngram generate brown3.lm -n 30 --seed 1

A model file ending in ``.arpa`` (any case) is written in ARPA format (readable by KenLM and
SRILM), compressed when it ends in ``.arpa.gz``, ``.arpa.bz2`` or ``.arpa.xz``; any other name as the
native ``.npz`` model (never compressed: ``.gz`` and the like are refused), and ``-o -`` writes ARPA
to standard output;
``perplexity`` and ``generate`` read either. A text argument ``-`` is standard input. The
tokenizer used for training is stored in native models and used again for scoring unless
``--tokenizer`` says otherwise; an ARPA file records none, so the default one is used with a warning
(give ``--tokenizer`` when the model was trained with another).
"""
from __future__ import annotations

import argparse
import sys
import time

from w2v.cli import _safety
from w2v.cli._args import (STDIO, HelpFormatter, add_json_option, add_tokenizer_option, input_file,
                           non_negative_int, output_file, positive_float, positive_int, print_json,
                           side_file, write_output)
from w2v.fileio import shown_name

SMOOTHING_CHOICES = ("mle", "add-k", "interpolated", "witten-bell", "kneser-ney", "modified-kneser-ney")
#: most tokens ``generate --json`` gathers into its one document (the text output streams any number)
MAX_JSON_WORDS = 1_000_000
#: words ``generate`` writes between two flushes within a sentence
FLUSH_WORDS = 1_000


def register(subparsers) -> None:
    """Add ``ngram`` and its sub-commands to the ``w2v`` parser."""
    fmt = HelpFormatter
    parser = subparsers.add_parser(
        "ngram", help="n-gram language models: train, perplexity, generate",
        description="Count-based n-gram language models (MLE, add-k, Jelinek-Mercer, Witten-Bell, "
                    "Kneser-Ney, modified Kneser-Ney as KenLM's lmplz), their perplexity and samples.",
        formatter_class=fmt)
    actions = parser.add_subparsers(dest="ngram_command", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(func=lambda args: _usage(parser))

    train = actions.add_parser("train", help="count n-grams in a corpus and write a model",
                               formatter_class=fmt,
                               description="Train an n-gram model; like KenLM's 'lmplz -o N'.")
    train.add_argument("corpus", type=input_file("corpus"),
                       help="training text: file (.gz/.bz2/.xz ok), folder, or - for standard input; "
                            "one sentence per line")
    train.add_argument("-n", "--order", type=positive_int, default=3, help="n-gram order (lmplz -o)")
    train.add_argument("--smoothing", choices=SMOOTHING_CHOICES, default="modified-kneser-ney",
                       help="smoothing method")
    train.add_argument("--min-count", type=positive_int, default=2,
                       help="training words seen fewer times become <unk>")
    train.add_argument("-k", type=positive_float, default=1.0, help="pseudo-count of add-k (1 = Laplace)")
    train.add_argument("--heldout", type=side_file("--heldout", folders=True), default=None,
                       help="held-out text to fit the interpolated lambdas; when omitted, every 10th "
                            "training sentence")
    add_tokenizer_option(train)
    train.add_argument("-o", "--output", type=output_file("output"), required=True,
                       help="model file to write: ARPA when it ends in .arpa (compressed: .arpa.gz, .arpa.bz2, "
                            ".arpa.xz; any case) or is - (standard output), else native .npz")
    add_json_option(train, "the summary (order, sizes, output)")
    train.set_defaults(func=_train)

    ppl = actions.add_parser("perplexity", help="perplexity of a text under a model", formatter_class=fmt,
                             description="Score a text (</s> counted, <s> not, unknown words as <unk>, "
                                         "as KenLM's query).")
    ppl.add_argument("model", type=input_file("model", stdin=False), help="model file (native or ARPA)")
    ppl.add_argument("text", type=input_file("text"),
                     help="text to score, one sentence per line, or - for standard input")
    add_tokenizer_option(ppl, argparse.SUPPRESS, "; when omitted, the one the model was trained with (an ARPA "
                         "file records none: 'default', with a warning; give the one the model was trained with)")
    add_json_option(ppl, '{"perplexity": .., "tokens": .., "oov": ..}')
    ppl.set_defaults(func=_perplexity)

    gen = actions.add_parser("generate", help="sample text from a model", formatter_class=fmt)
    gen.add_argument("model", type=input_file("model", stdin=False), help="model file (native or ARPA)")
    gen.add_argument("-n", "--words", type=positive_int, default=50, help="tokens to sample (</s> included)")
    gen.add_argument("--seed", type=non_negative_int, default=None, help="random seed; without one every run differs")
    gen.add_argument("--context", default="", help="text to continue from, read with the tokenizer the model "
                     "was trained with; <s> marks a sentence start ('<s> The dog'), without it the text "
                     "continues mid-sentence; when omitted, a sentence start")
    add_tokenizer_option(gen, argparse.SUPPRESS, " (of --context); when omitted, the one the model was trained "
                         "with (an ARPA file records none: 'default', with a warning when the context would "
                         "read otherwise)")
    add_json_option(gen, '{"tokens": [..], "sentences": [..]}')
    gen.set_defaults(func=_generate)


def _usage(parser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _tokenizer(name: str):
    from w2v.corpus import Tokenizer

    return Tokenizer.whitespace() if name == "whitespace" else Tokenizer()


def _model_tokenizer(args, lm, command: str, matters=None):
    """``--tokenizer`` if given, else the one ``lm`` was trained with, else the default one (with a
    warning on stderr: the model does not say how its text was read).

    Parameters
    ----------
    args : argparse.Namespace
        With ``model`` and, if given, ``tokenizer``.
    lm : NgramLM
        The model read from ``args.model``.
    command : str
        The sub-command, for the warning.
    matters : callable, optional
        ``matters(default, whitespace)`` says whether the choice changes anything (``generate``'s
        context may read the same either way); by default it always does.
    """
    name = getattr(args, "tokenizer", None) or getattr(lm, "tokenizer_", None)
    if name is None:
        name = "default"
        # ARPA files have no place for it, a model fitted from token lists (or through a tokenizer
        # configured otherwise than a named one) has none, and text tokenized otherwise than the
        # training text is scored as other words: only the user knows which one the model needs
        if matters is None or matters(_tokenizer("default"), _tokenizer("whitespace")):
            # "arpa" also for a native copy of an ARPA file: the tokenizer was lost in the ARPA file
            why = ("ARPA files have no place for one" if lm.smoothing_.name == "arpa"
                   else "it was fitted in Python from token lists, or from text read by an unnamed tokenizer")
            print(f"w2v ngram {command}: warning: {str(args.model)!r} records no tokenizer ({why}): the text is "
                  f"read with the 'default' tokenizer (lowercased, punctuation dropped); give --tokenizer "
                  f"whitespace if the model was trained on text kept as written", file=sys.stderr)
    return _tokenizer(name)


def _context_tokens(text: str, tokenizer) -> list[str]:
    """``--context`` read as the model's training text was (``"The dog,"`` -> ``["the", "dog"]`` by
    default), so that its words are found; the markers ``<s>``, ``</s>`` and ``<unk>`` as written."""
    tokens: list[str] = []
    for piece in text.split():
        tokens.extend([piece] if piece in ("<s>", "</s>", "<unk>") else tokenizer(piece))
    return tokens


def _train(args) -> int:
    from w2v.corpus import open_corpus
    from w2v.ngram import NgramLM
    from w2v.ngram.arpa import is_arpa_name
    from w2v.ngram.persist import check_native_name

    if args.json and args.output == STDIO:
        print("w2v ngram train: error: --json and -o (standard output) would both write there: choose one",
              file=sys.stderr)
        return 2
    _safety.refuse_overwrite({"CORPUS": args.corpus, "--heldout": args.heldout}, {"-o": args.output})
    arpa = args.output == STDIO or is_arpa_name(args.output)
    if not arpa:
        # before the training, not after it; here the name chooses the format
        check_native_name(args.output, arpa_hint="name it .arpa.gz (or .arpa.bz2, .arpa.xz) for a compressed "
                          "ARPA file")
    start = time.perf_counter()
    lm = NgramLM(order=args.order, smoothing=args.smoothing, min_count=args.min_count, k=args.k)
    lm.check_params()  # before any text is opened
    corpus = open_corpus(args.corpus, tokenizer=_tokenizer(args.tokenizer))
    heldout = open_corpus(args.heldout, tokenizer=_tokenizer(args.tokenizer)) if args.heldout else None
    lm.fit(corpus, heldout=heldout)  # records the tokenizer's name, as fit(path) does
    with _safety.writing(args.output, "model"):
        write_output(args.output, lm.to_arpa if arpa else lm.save)
    seconds = time.perf_counter() - start
    if args.json:
        print_json({"order": args.order, "smoothing": args.smoothing, "tokenizer": args.tokenizer,
                    "train_tokens": lm.train_tokens_, "vocabulary_size": len(lm.vocab_),
                    "ngrams": [len(k) for k in lm.tables_.keys], "seconds": seconds,
                    "output": "standard output" if args.output == STDIO else str(args.output),
                    "format": "arpa" if arpa else "native"})
        return 0
    # with the model on stdout, the summary goes to stderr so the stream stays a clean ARPA file
    out = sys.stderr if args.output == STDIO else sys.stdout
    sizes = ", ".join(f"{n + 1}-grams {len(k)}" for n, k in enumerate(lm.tables_.keys))
    print(f"trained {args.order}-gram {args.smoothing} model on {lm.train_tokens_} tokens "
          f"({len(lm.vocab_)} words with <unk>, <s>, </s>; {sizes}) in {seconds:.2f} s", file=out)
    print(f"wrote {'standard output (ARPA)' if args.output == STDIO else shown_name(args.output)}", file=out)
    return 0


def _perplexity(args) -> int:
    from w2v.corpus import open_corpus
    from w2v.ngram import NgramLM

    lm = NgramLM.load(args.model)
    result = lm.evaluate(open_corpus(args.text, tokenizer=_model_tokenizer(args, lm, "perplexity")))
    if args.json:
        out = {"perplexity": result.perplexity, "tokens": result.tokens, "oov": result.oov,
               "sentences": result.sentences, "log10_prob": result.log10_prob}
        if result.reason:
            out["reason"] = result.reason
        print_json(out)  # an infinite perplexity is written as null (the reason says why)
    else:
        print(f"perplexity {result.perplexity:.2f} over {result.tokens} tokens "
              f"({result.sentences} sentences, {result.oov} OOV scored as <unk>)")
        if result.reason:
            print(f"infinite: {result.reason}")
    return 0


def _generate(args) -> int:
    from w2v.ngram import NgramLM

    if args.json and args.words > MAX_JSON_WORDS:
        print(f"w2v ngram generate: error: --json holds the whole text in one document: at most "
              f"{MAX_JSON_WORDS:,} tokens (-n), got {args.words:,}; the text output streams any number",
              file=sys.stderr)
        return 2
    lm = NgramLM.load(args.model)
    tokenizer = _model_tokenizer(args, lm, "generate", matters=lambda default, whitespace: _context_tokens(
        args.context, default) != _context_tokens(args.context, whitespace))
    context = _context_tokens(args.context, tokenizer)
    stream = lm.iter_generate(args.words, seed=args.seed, context=context)
    if args.json:
        words = list(stream)
        sentences, current = [], []
        for word in words:
            if word == "</s>":
                sentences.append(" ".join(current))
                current = []
            else:
                current.append(word)
        if current:
            sentences.append(" ".join(current))
        print_json({"tokens": words, "sentences": sentences, "seed": args.seed})
        return 0
    # words written as they are drawn, one sentence per line, flushed at each sentence's end and every
    # FLUSH_WORDS words: '-n 10**11 | head' ends at once, also for a model that never ends a sentence
    in_line = 0
    for drawn, word in enumerate(stream, 1):
        if word == "</s>":
            sys.stdout.write("\n")
            sys.stdout.flush()
            in_line = 0
            continue
        sys.stdout.write(f" {word}" if in_line else word)
        in_line += 1
        if drawn % FLUSH_WORDS == 0:
            sys.stdout.flush()
    if in_line:
        sys.stdout.write("\n")
    sys.stdout.flush()
    return 0
