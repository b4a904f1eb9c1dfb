"""Writing what ``w2v train`` trained, and saying what was written: the trainer state, the vectors,
the vocabulary and the extra outputs (:mod:`w2v.cli._train_outputs`), each whatever became of the
others, then the report on stdout (errors on stderr).

Ctrl-C is part of it: after the last epoch a first Ctrl-C waits for the writes (a second one stops at
once, naming what was written by then); a run it stopped earlier is saved for ``--resume``.
"""
from __future__ import annotations

import sys

from w2v._interrupts import HeldCtrlC
from w2v.cli import _safety, _train_outputs
from w2v.cli._args import STDIO, print_json, write_output
from w2v.fileio import shown_name


def after_interrupt(model, args, finished: bool) -> int:
    """What ``w2v train`` writes and says after a :class:`KeyboardInterrupt` (Ctrl-C, or SIGTERM);
    the exit status.

    Parameters
    ----------
    model : Word2Vec
        The model of the run, fitted or not.
    args : argparse.Namespace
        The command's options.
    finished : bool
        The run was resumed from a state that had trained all its epochs already.
    """
    trained = getattr(model, "wv_", None) is not None
    if trained and not finished and model.epochs_trained_ >= model._planned_epochs():
        # after the last epoch (in its callbacks, or held while a local cluster closed): the run
        # is whole. Not for a state that was finished already: its corpus was being checked
        return write_and_report(model, args, finished, interrupted=True)
    if not trained or not model.interrupted_:
        print(f"w2v train: {_safety.interrupt_word()} before training started; nothing written",
              file=sys.stderr)
        return _safety.interrupt_status()
    written, failures = {}, []
    try:
        _write(model, args, written, failures)
    except KeyboardInterrupt:   # Ctrl-C again (or SIGTERM) while saving: stop, saying what is saved
        return _stopped_writing(model, written, training_done=False)
    _report_failures(failures)
    saved = _listed(written)
    print(f"w2v train: {_safety.interrupt_word()} after {model.epochs_trained_} of {model._planned_epochs()} "
          "epochs; "
          + (f"saved what was trained so far: {saved}" if saved else "nothing could be saved")
          + (" (resume with --resume)" if "trainer state" in written else ""), file=sys.stderr)
    return _safety.interrupt_status()


def write_and_report(model, args, finished: bool, interrupted: bool = False) -> int:
    """Write every output of a run that trained all its epochs and report them; the exit status.

    A Ctrl-C while the files are written waits for them (a second one stops at once): one a moment
    after the last epoch would otherwise lose the whole run. The report is then the usual one,
    followed by a line saying so, and the status is Ctrl-C's (``interrupted``: one came already).

    Parameters
    ----------
    model : Word2Vec
        The fitted model of the run.
    args : argparse.Namespace
        The command's options.
    finished : bool
        The run was resumed from a state that had trained all its epochs already.
    interrupted : bool
        A Ctrl-C came after the last epoch, before the writes.
    """
    written: dict = {}
    failures: list = []
    try:
        with HeldCtrlC("writing the outputs before stopping") as held:
            try:
                status = _report_outputs(model, args, finished, written, failures)
            except BrokenPipeError:
                # the reader of stdout stopped (with -o -, before the vectors reached it), which is
                # quiet (main); but not a file that could not be written, nor a Ctrl-C it likely got too
                interrupted = held.take() or interrupted
                if not (failures or interrupted):
                    raise
                status = _report_failures(failures)
            interrupted = held.take() or interrupted
    except KeyboardInterrupt:   # Ctrl-C again (or SIGTERM) while writing: stop, saying what is written
        return _stopped_writing(model, written, training_done=True)
    if interrupted and status == 0:   # a file that could not be written is the status to report
        lost = args.output == STDIO and "vectors" not in written
        print(f"w2v train: {_safety.interrupt_word()} after the training finished; "
              + ("the vectors did not reach standard output, whose reader stopped; every other output was "
                 "written" if lost else "every output was written"), file=sys.stderr)
        return _safety.interrupt_status()
    return status


def _stopped_writing(model, written: dict, training_done: bool) -> int:
    """Say which outputs were written before a second Ctrl-C (or SIGTERM) stopped the writing, and,
    for a run the first one stopped, after how many epochs and whether it can be resumed; the exit
    status."""
    first = "" if training_done else f" after {model.epochs_trained_} of {model._planned_epochs()} epochs, and again"
    print(f"w2v train: {_safety.interrupt_word()}{first} while writing the outputs; "
          + (f"written: {_listed(written)}" if written else "none was written")
          + (" (resume with --resume)" if not training_done and "trainer state" in written else ""),
          file=sys.stderr)
    return _safety.interrupt_status()


def _listed(written: dict) -> str:
    """``{"vectors": path, ...}`` as "the vectors to PATH, ..."."""
    return ", ".join(f"the {what} to {shown_name(path)}" for what, path in written.items())


def _report_outputs(model, args, finished: bool, written: dict, failures: list) -> int:
    """Write the outputs (each one added to ``written`` as it is written, each error to
    ``failures``), then report them on stdout (errors on stderr); the exit status."""
    reader_stopped = _write(model, args, written, failures)
    extra = _train_outputs.write(model, args, failures, written)
    if reader_stopped and not failures:
        raise BrokenPipeError  # every other file is written: main() ends quietly, as for ``| head``
    if failures and args.json:
        # stdout stays one JSON document: the summary, with each file that could not be written null
        # and its error in "errors" (and on stderr, as without --json)
        report = {**_report(model, args), "nothing_left_to_train": finished}
        for what, key in (("vectors", "output"), ("vocabulary", "vocabulary"), ("trainer state", "state")):
            if what not in written:
                report[key] = None
        print_json({**report, "extra_outputs": extra, "errors": [str(err) for err in failures]})
        return _report_failures(failures)
    if failures:
        # what was written is reported as on success (stdout), each lost file as one error line
        out = sys.stderr if args.output == STDIO else sys.stdout
        for what, path in written.items():
            if what not in _train_outputs.EXTRA_OUTPUTS:   # those have a line of their own in ``extra``
                print(f"wrote {what} {shown_name(path)}", file=out)
        for line in extra:
            print(line, file=out)
        return _report_failures(failures)
    if args.json:
        print_json({**_report(model, args), "nothing_left_to_train": finished, "extra_outputs": extra})
        return 0
    # with the vectors on stdout, the summary goes to stderr so the stream stays a clean file
    out = sys.stderr if args.output == STDIO else sys.stdout
    last = model.history_[-1] if model.history_ else {}
    print(f"wrote {shown_name(output_name(args.output))} ({args.format}): {len(model.vocab_)} words x {model.dim} dims",
          file=out)
    if finished:
        # the history is the saved run's: its loss and speed are not this command's
        n = model.epochs_trained_
        print(f"nothing left to train: the run saved in {shown_name(args.resume)} had finished its "
              f"{n} epoch{'s' * (n != 1)}", file=out)
    elif last:
        print(f"epochs {model.epochs_trained_}, final loss {last['loss']:.4f}, "
              f"{last['words_per_second']:,.0f} words/s", file=out)
    if args.save_vocab:
        print(f"wrote vocabulary {shown_name(args.save_vocab)}", file=out)
    if args.save_state:
        print(f"wrote trainer state {shown_name(args.save_state)}", file=out)
    for line in extra:
        print(line, file=out)
    return 0


def _report_failures(failures) -> int:
    """Print each failed output's one-line error; the exit status they call for (0 if none)."""
    for err in failures:
        print(f"w2v train: error: {err}", file=sys.stderr)
    return max((err.exit_code for err in failures), default=0)


def output_name(path) -> str:
    """How the reports name an output ``path``: ``-`` is "standard output"."""
    return "standard output" if path == STDIO else str(path)


def _report(model, args) -> dict:
    return {
        "output": output_name(args.output), "format": args.format, "words": len(model.vocab_), "dim": model.dim,
        "architecture": model.architecture, "objective": model.objective, "tokenizer": model.tokenizer,
        "epochs_trained": model.epochs_trained_, "history": model.history_,
        "vocabulary": None if args.save_vocab is None else str(args.save_vocab),
        "state": None if args.save_state is None else str(args.save_state),
    }


def _write(model, args, written: dict, failures: list) -> bool:
    """Write the state, the vectors and the vocabulary, each whatever became of the others.

    Adds each file written to ``written`` (``{"trainer state": path, ...}``) as it is written, so that
    a caller stopped by Ctrl-C midway knows, and the one-line error of each that could not be to
    ``failures``. Returns whether the reader of standard output stopped reading (``-o - | head``:
    not a failure, but the caller must let main() end quietly once every file is written). The
    state goes first: it holds the weights and the vocabulary, so with it the run can be resumed
    or its vectors written again, whatever else is lost.
    """
    from w2v.errors import W2VError

    steps = [("trainer state", args.save_state, lambda: model.save_state(args.save_state)),
             ("vectors", args.output, lambda: write_output(args.output,
                                                           lambda path: model.wv_.save(path, format=args.format))),
             ("vocabulary", args.save_vocab,
              lambda: model.vocab_.save(args.save_vocab, word2vec_c=args.save_vocab_format == "word2vec.c"))]
    reader_stopped = False
    for what, path, save in steps:
        if path is None:
            continue
        try:
            # each file on its own, so that a failure names the file that could not be written
            with _safety.writing(path, what):
                save()
            written[what] = output_name(path)
        except BrokenPipeError:
            reader_stopped = True
        except W2VError as err:
            failures.append(err)
    return reader_stopped
