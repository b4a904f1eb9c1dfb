"""The CLI front: version, help, usage errors, python -m and what --help imports (the tests here that
need a real process)."""
import subprocess
import sys

from cli_runner import run_cli
from w2v import __version__
from w2v.cli import build_parser, main
from w2v.errors import UnknownWordError


def _python_m(*args):
    # a real ``python -m w2v``: that the package runs as a module is what is tested
    return subprocess.run([sys.executable, "-m", "w2v", *args], capture_output=True, text=True, timeout=120)


def test_python_m_version():
    out = _python_m("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"w2v {__version__}"


def test_help_does_not_load_the_compiler():
    # numba and the kernels take a third of a second to import: only commands that compute pay for it
    probe = ("import sys, contextlib, io\n"
             "from w2v.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    for argv in (['train', '--help'], ['--help']):\n"
             "        try:\n"
             "            main(argv)\n"
             "        except SystemExit:\n"
             "            pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite', 'dask')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_help_lists_every_registered_command():
    out = run_cli("--help")
    assert out.returncode == 0
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert "demo" in commands
    for name in commands:
        assert name in out.stdout


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2
    assert "usage: w2v" in capsys.readouterr().err


def test_unknown_command_exits_2():
    out = run_cli("frobnicate")
    assert out.returncode == 2
    assert "invalid choice" in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_word_error_is_a_readable_keyerror():
    err = UnknownWordError("kinq", ["king", "kind"])
    assert isinstance(err, KeyError)
    assert str(err) == "word 'kinq' is not in the vocabulary; did you mean 'king', 'kind'?"


def test_ctrl_c_before_a_command_starts_is_a_one_line_stop():
    # Ctrl-C while the command line is still being read (the commands' modules import as the parser
    # is built) printed a KeyboardInterrupt traceback and ended the process by the signal
    code = ("import w2v.cli as cli\n"
            "def interrupted():\n"
            "    raise KeyboardInterrupt\n"
            "cli.build_parser = interrupted\n"
            "raise SystemExit(cli.run())\n")
    out = subprocess.run([sys.executable, "-c", code, "vocab", "corpus.txt"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 130, out.stderr
    assert out.stderr == "w2v: interrupted\n"
