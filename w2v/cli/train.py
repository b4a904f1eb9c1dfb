"""``w2v train CORPUS -o OUT``: train word2vec vectors and write them.

    w2v train corpus.txt -o vectors.bin                         # skip-gram + negative sampling
    w2v train corpus.txt -o vectors.txt --arch cbow --objective hierarchical
    w2v train corpus.txt -o vectors.bin --save-state run.npz    # also keep the trainer, to resume
    w2v train corpus.txt -o vectors.bin --phrases phrases.npz   # join phrases learned by 'w2v phrases'
    w2v train -train corpus.txt -output vectors.bin -size 200 -binary 1   # word2vec.c's own flags

The output format follows the file name (``.bin`` binary, ``.txt``/``.vec`` text, ``.npz`` native)
unless ``--format`` is given. ``-`` reads the corpus from standard input or writes the vectors to
standard output. Ctrl-C stops training within a second or two; the vectors trained so far are then
written (atomically) and the command says so and exits 130 (143 after SIGTERM, which is handled
the same way).
"""
from __future__ import annotations

import argparse
import sys

from w2v.cli import _safety, _train_outputs, _train_writing
from w2v.cli._args import (STDIO, HelpFormatter, add_json_option, add_tokenizer_option, input_file,
                           non_negative_int, output_file, positive_float, positive_int, positive_int_at_most,
                           unit_interval)
from w2v.fileio import is_url, shown_name
from w2v.models import ARCHITECTURES, OBJECTIVES
# not from the driver: --help would load numba
from w2v.models.params import DEFAULT_ROUND_WORDS, DEFAULT_ROUND_WORDS_MANY, FEW_WORKERS, MAX_LOCAL_WORKERS


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of 0 or more, got {text}")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


#: options a resumed run takes from its saved state (giving them with --resume is an error)
_FROM_STATE = ("arch", "objective", "dim", "window", "min_count", "max_vocab_size", "sample", "negative",
               "ns_exponent", "alpha", "min_alpha", "epochs", "seed", "cbow_mean", "shared_negatives",
               "tokenizer", "read_vocab")
_DEFAULTS: dict = {}


def register(subparsers) -> None:
    """Add the ``train`` sub-command."""
    p = subparsers.add_parser(
        "train",
        help="train word vectors (skip-gram/CBOW) on a corpus",
        description="Train word2vec vectors on CORPUS and write them to OUT. word2vec.c's equivalent "
        "flags are named in brackets; a line giving -train is read as word2vec.c's own, its flags in any "
        "order (word2vec.c's defaults then apply: CBOW, text output, -negative 5, white-space tokens; a flag "
        "given twice takes its first value).",
        formatter_class=HelpFormatter,
    )
    p.add_argument("corpus", type=input_file("corpus", urls=True), metavar="CORPUS",
                   help="text file (one sentence per line, or text8-style), folder of files, .gz/.bz2/.xz, "
                   "or - for standard input [-train]; with a cluster also an fsspec URL (s3://bucket/corpus/)")
    p.add_argument("-o", "--output", type=output_file("output"), required=True, metavar="OUT",
                   help="vector file to write (its folder must exist), or - for standard output [-output]")
    p.add_argument("--arch", choices=ARCHITECTURES, default="skipgram",
                   help="architecture [-cbow 0|1]")
    p.add_argument("--objective", choices=OBJECTIVES, default="negative",
                   help="output layer: negative sampling, hierarchical softmax, full softmax (small "
                   "vocabularies only: O(V) per example) or NCE [-hs 1 -negative 0 for hierarchical]")
    p.add_argument("--dim", type=positive_int, default=100, help="vector size [-size]")
    p.add_argument("--window", type=positive_int, default=5, help="maximal context radius [-window]")
    p.add_argument("--min-count", type=non_negative_int, default=5,
                   help="drop rarer words; 0 keeps every word, as 1 [-min-count]")
    p.add_argument("--max-vocab-size", type=positive_int, default=None,
                   help="bound on distinct words while counting (prunes rare words)")
    p.add_argument("--sample", type=unit_interval, default=1e-3,
                   help="subsampling threshold for frequent words, 0 disables [-sample]")
    p.add_argument("--negative", type=non_negative_int, default=5,
                   help="noise words per example (negative sampling, NCE; with another objective only 0 "
                   "is accepted) [-negative]")
    p.add_argument("--ns-exponent", type=_finite_float, default=0.75,
                   help="exponent of the unigram noise distribution (negative sampling, NCE)")
    p.add_argument("--alpha", type=positive_float, default=None,
                   help="initial learning rate; default 0.025 for skip-gram, 0.05 for CBOW [-alpha]")
    p.add_argument("--min-alpha", type=_non_negative_float, default=None,
                   help="final learning rate; default alpha * 1e-4, as word2vec.c")
    p.add_argument("--epochs", type=positive_int, default=5, help="passes over the corpus [-iter]")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="training threads; default: all cores [-threads]")
    p.add_argument("--seed", type=non_negative_int, default=1,
                   help="random seed; with --workers 1 training is reproducible bit for bit")
    mean = p.add_mutually_exclusive_group()
    mean.add_argument("--cbow-mean", dest="cbow_mean", action="store_true", default=argparse.SUPPRESS,
                      help="CBOW: average the context vectors; the default, as word2vec.c's -cbow 1")
    mean.add_argument("--cbow-sum", dest="cbow_mean", action="store_false", default=argparse.SUPPRESS,
                      help="CBOW: sum the context vectors instead")
    p.set_defaults(cbow_mean=True)
    p.add_argument("--shared-negatives", action="store_true",
                   help="skip-gram only: share noise words across a center word's window (faster; Ji et al. "
                   "2016)")
    add_tokenizer_option(p)
    p.add_argument("--format", choices=("binary", "text", "native"), default=None,
                   help="vector file format: word2vec.c binary or text, or w2v native .npz; default: from "
                   "OUT's extension (.bin binary, .txt/.vec text, .npz native), binary for other names "
                   "and for - [-binary 1|0]")
    p.add_argument("--read-vocab", type=input_file("vocabulary", stdin=False), default=None, metavar="VOCAB",
                   help="train the words of this vocabulary file (w2v vocab -o, or word2vec.c's) instead "
                   "of counting the corpus [-read-vocab]")
    p.add_argument("--save-vocab", type=output_file("vocabulary", stdout=False), default=None, metavar="VOCAB",
                   help="also save the vocabulary (word count per line, after a header line w2v reads back "
                   "and word2vec.c cannot: see --save-vocab-format) [-save-vocab]")
    p.add_argument("--save-vocab-format", choices=("w2v", "word2vec.c"), default="w2v",
                   help="file of --save-vocab: w2v's (a header keeps the token total and min count) or "
                   "word2vec.c's (no header, '</s> N' first), which word2vec.c's -read-vocab reads")
    p.add_argument("--save-state", type=output_file("state", stdout=False), default=None, metavar="STATE",
                   help="also save the full trainer state (npz + JSON) to STATE, to resume or continue later")
    p.add_argument("--resume", type=input_file("state", stdin=False), default=None, metavar="STATE",
                   help="finish the run saved in STATE on CORPUS (training options are taken from STATE)")
    p.add_argument("--force", action="store_true",
                   help="with --resume: train even if CORPUS is not the corpus the state was trained on")
    p.add_argument("--phrases", type=input_file("phrase model", stdin=False), default=None, metavar="M",
                   help="join phrases (new_york) with the model 'w2v phrases --save-model M' saved, while "
                   "reading CORPUS (no phrased copy is written); give it again with --resume")
    cluster = p.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="train data-parallel on the Dask cluster of this scheduler (e.g. tcp://host:8786); "
                         "CORPUS must be a path every worker sees or an fsspec URL; --workers is then threads "
                         "per Dask worker")
    cluster.add_argument("--local-cluster", type=positive_int_at_most(MAX_LOCAL_WORKERS), default=None, metavar="N",
                         help=f"train data-parallel on N worker processes started on this machine (at most "
                         f"{MAX_LOCAL_WORKERS:,}, as --workers)")
    p.add_argument("--round-words", type=positive_int, default=None, metavar="N",
                   help="with --scheduler/--local-cluster: words each worker trains between two combinations "
                   f"(default {DEFAULT_ROUND_WORDS:,} up to {FEW_WORKERS} workers, {DEFAULT_ROUND_WORDS_MANY:,} "
                   "with more: longer rounds exchange less often, shorter ones come closer to one process)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_json_option(p, "the summary (output, sizes, per-epoch history)")
    _train_outputs.add_options(p)
    p.set_defaults(func=handle)
    _DEFAULTS.update({name: p.get_default(name) for name in _FROM_STATE})


def handle(args) -> int:
    """Train, write the vectors, print a summary on stdout; on Ctrl-C save what was trained."""
    from w2v.cli import given_options
    from w2v.models.word2vec import Word2Vec
    from w2v.vectors import format_for_path

    if args.json and args.output == STDIO:
        print("w2v train: error: --json and -o (standard output) would both write there: choose one",
              file=sys.stderr)
        return 2
    _safety.refuse_overwrite(
        {"CORPUS": args.corpus, "--resume": args.resume, "--questions": args.questions,
         "--read-vocab": args.read_vocab, "--phrases": args.phrases},
        {"-o": args.output, "--save-state": args.save_state, "--save-vocab": args.save_vocab,
         "--plot-history": args.plot_history,
         "--classes-output": _train_outputs.classes_path(args) if args.classes is not None else None})
    # the name is checked with --format too: plain bytes under a .gz name no reader opens
    by_name = "binary" if args.output == STDIO else format_for_path(args.output, "binary")
    args.format = args.format or by_name
    on_cluster = args.scheduler is not None or args.local_cluster is not None
    if is_url(args.corpus) and not on_cluster:
        print(f"w2v train: error: corpus {args.corpus!r} is a URL, which the workers of a cluster read: add "
              "--scheduler ADDRESS or --local-cluster N, or copy the corpus here first", file=sys.stderr)
        return 2
    if not on_cluster and "round_words" in (given_options(args.argv) if hasattr(args, "argv") else set()):
        print("w2v train: error: --round-words does nothing without --scheduler or --local-cluster (one "
              "process has no rounds): leave it out, or train on a cluster", file=sys.stderr)
        return 2
    if on_cluster:
        from w2v.distributed.reading import check_workers_can_read

        # here, not only in the driver: starting a cluster costs seconds and processes for nothing
        check_workers_can_read(args.corpus)
    phrases = _load_phrases(args)
    finished = False  # a resumed run that had nothing left to train
    if args.resume is not None:
        # given at all, not only given another value than the default: "--dim 100" is no less refused
        explicit = given_options(args.argv) if hasattr(args, "argv") else set()
        given = [name for name in _FROM_STATE if name in explicit or getattr(args, name) != _DEFAULTS.get(name)]
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            print(f"w2v train: error: {flags} cannot be combined with --resume: a resumed run keeps the "
                  "options saved in its state", file=sys.stderr)
            return 2
        model = Word2Vec.load_state(args.resume)
        finished = model.epochs_trained_ >= model._planned_epochs()
        _check_storable(model.vocab_.words, args)
        model.progress = not args.quiet
        if args.workers is not None:
            model.workers = args.workers
        corpus = _phrased(args.corpus, phrases, model.tokenizer)
        run = lambda client=None: model.resume(corpus, force=args.force, client=client,  # noqa: E731
                                               round_words=args.round_words)
    else:
        if args.force:
            print("w2v train: error: --force only applies with --resume", file=sys.stderr)
            return 2
        problem = _inapplicable(args)
        if problem is not None:
            print(f"w2v train: error: {problem}", file=sys.stderr)
            return 2
        model = Word2Vec(
            architecture=args.arch, objective=args.objective, dim=args.dim, window=args.window,
            min_count=args.min_count, max_vocab_size=args.max_vocab_size, sample=args.sample,
            negative=args.negative, ns_exponent=args.ns_exponent, alpha=args.alpha, min_alpha=args.min_alpha,
            epochs=args.epochs, workers=args.workers, seed=args.seed, cbow_mean=args.cbow_mean,
            progress=not args.quiet, shared_negatives=args.shared_negatives, tokenizer=args.tokenizer)
        model.check_params()  # bad combinations (e.g. --objective nce --negative 0) before reading text
        vocabulary = None
        if args.read_vocab is not None:  # read here, so that a bad file fails before the corpus is read
            from w2v.corpus import Vocabulary

            vocabulary = Vocabulary.load(args.read_vocab)
            _check_storable(vocabulary.words, args)
        corpus = _phrased(args.corpus, phrases, model.tokenizer)
        run = lambda client=None: model.fit(corpus, vocabulary=vocabulary, client=client,  # noqa: E731
                                            round_words=args.round_words)
    if args.output == STDIO and args.classes is not None and args.classes_output is None:
        print("w2v train: error: with -o -, --classes needs --classes-output FILE", file=sys.stderr)
        return 2
    _train_outputs.check(args)
    _safety.check_outputs(
        {"trainer state": args.save_state, "vectors": args.output, "vocabulary": args.save_vocab,
         "word classes": _train_outputs.classes_path(args) if args.classes is not None else None,
         "plot": args.plot_history}, before="nothing was trained")
    model.callbacks = list(model.callbacks) + _train_outputs.callbacks(args)
    if args.resume is None and args.read_vocab is None:
        # a counted vocabulary (a read or resumed one was checked above) is known only once the corpus
        # is read: check it then, before the first epoch (a cluster's driver too calls on_train_begin
        # once the workers' counts are merged into the model's vocabulary)
        model.callbacks.append(_StorableCheck(args))
    try:
        if on_cluster:
            from w2v.distributed import open_client

            with open_client(args.scheduler, args.local_cluster, threads=args.workers) as client:
                run(client)
        else:
            run()
    except KeyboardInterrupt:
        return _train_writing.after_interrupt(model, args, finished)
    return _train_writing.write_and_report(model, args, finished)


def _inapplicable(args) -> str | None:
    """What is wrong with an option given on the command line that the other options make do nothing
    (None if there is none): silently ignored, it would let the user believe it trained that way.
    Options left at their defaults are not checked, nor ``--negative 0`` (it asks for no noise)."""
    from w2v.cli import given_options
    from w2v.models.output_layers import OUTPUT_LAYERS

    given = given_options(args.argv) if hasattr(args, "argv") else set()
    if not OUTPUT_LAYERS[args.objective].draws_noise:
        fix = "leave it out, or give --objective negative or nce to draw noise words"
        if "negative" in given and args.negative > 0:
            return f"--negative {args.negative} does nothing with --objective {args.objective}, which draws no " \
                   f"noise words: {fix}"
        if "ns_exponent" in given:
            return f"--ns-exponent does nothing with --objective {args.objective}, which draws no noise words: {fix}"
    if "shared_negatives" in given and args.shared_negatives and args.arch != "skipgram":
        return f"--shared-negatives does nothing with --arch {args.arch} (skip-gram only): leave it out"
    if "save_vocab_format" in given and not args.save_vocab:
        return "--save-vocab-format does nothing without --save-vocab: leave it out, or give --save-vocab FILE"
    if "cbow_mean" in given and args.arch != "cbow":
        flag = "--cbow-mean" if args.cbow_mean else "--cbow-sum"
        return f"{flag} does nothing with --arch {args.arch} (CBOW only): leave it out, or give --arch cbow"
    return None


def _check_storable(words, args) -> None:
    """Raise a one-line usage error if the vectors' format or ``--save-vocab`` cannot store one of
    ``words``: found after training, it would cost the run."""
    from w2v.errors import W2VError
    from w2v.fileio import first_unwritable_word
    from w2v.vectors_io import unstorable_word

    bad = unstorable_word(words, args.format)
    if bad is not None:
        raise W2VError(f"word {bad!r} of the vocabulary is empty or holds white space, which the word2vec "
                       f"{args.format} format of -o {shown_name(_train_writing.output_name(args.output))} cannot store: give --format "
                       "native (w2v's .npz format stores any word)")
    bad = first_unwritable_word(words) if args.save_vocab is not None else None
    if bad is not None:
        raise W2VError(f"word {bad!r} of the vocabulary holds white space or NUL, which the "
                       f"vocabulary file of --save-vocab cannot store: leave --save-vocab out (the trainer "
                       "state of --save-state keeps the vocabulary)")


class _StorableCheck:
    """Callback: :func:`_check_storable` on the vocabulary of the run, before its first epoch."""

    def __init__(self, args):
        self.args = args

    def on_train_begin(self, model) -> None:
        _check_storable(model.vocab_.words, self.args)


def _load_phrases(args):
    """The phrase model of ``--phrases`` (None without it); warns if it was learned on other tokens.

    A warning, not an error: the other tokenizer is one this w2v knows and may have been chosen on
    purpose (only the phrases whose words both read alike can match). A tokenizer it does not know
    is refused by ``Phrases.load``.
    """
    if args.phrases is None:
        return None
    from w2v.corpus.phrases import Phrases

    phrases = Phrases.load(args.phrases)
    if phrases.tokenizer_ not in (None, args.tokenizer) and args.resume is None:
        print(f"w2v train: warning: {shown_name(args.phrases)} was learned from text read with the "
              f"{phrases.tokenizer_!r} tokenizer, CORPUS is read with the {args.tokenizer!r} one: phrases whose "
              "words it tokenizes differently never match", file=sys.stderr)
    return phrases


def _phrased(corpus, phrases, tokenizer: str):
    """``corpus`` itself, or read with ``tokenizer`` and seen through ``phrases``."""
    if phrases is None:
        return corpus
    from w2v.corpus import Tokenizer, open_corpus

    if is_url(corpus):  # the cluster's workers read it, with the model's tokenizer
        return phrases.transform(corpus)
    return phrases.transform(open_corpus(corpus, tokenizer=Tokenizer.whitespace() if tokenizer == "whitespace"
                                         else Tokenizer()))
