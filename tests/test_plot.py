"""Word maps, training curves and 2-D projections: valid pictures of the right size that show something."""
from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.cli import main
from w2v.extras import MissingExtraError, require
from w2v.projection import project_2d

matplotlib = pytest.importorskip("matplotlib", reason="the plot extra: pip install '.[test,plot]'")


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def drawn_pixels(path, inside: bool = False) -> int:
    """Pixels that are not (near) white; ``inside``: only in the middle 80% (no frame, no title)."""
    import matplotlib.image

    image = matplotlib.image.imread(path)[..., :3]
    if inside:
        h, w = image.shape[:2]
        image = image[h // 10:h - h // 10, w // 10:w - w // 10]
    return int(np.sum(np.any(image < 0.9, axis=-1)))


@pytest.fixture
def kv() -> KeyedVectors:
    """Two planted groups (capitals and people) in 12 dims."""
    rng = np.random.default_rng(1)
    words = ["paris", "rome", "berlin", "madrid", "king", "queen", "man", "woman"]
    base = rng.normal(size=(2, 12)) * 3
    vectors = np.repeat(base, 4, axis=0) + rng.normal(size=(8, 12)) * 0.3
    return KeyedVectors(words, vectors)


# ---------------------------------------------------------------- projections

def test_pca_keeps_the_distances_of_points_on_a_plane():
    rng = np.random.default_rng(2)
    plane = rng.normal(size=(40, 2)) * [3.0, 1.0]
    rotation, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    points = plane @ rotation[:2] + 5.0  # a 2-D plane, rotated and moved in 10-D
    xy = project_2d(points, "pca")
    original = np.linalg.norm(plane[:, None] - plane[None], axis=-1)
    projected = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    np.testing.assert_allclose(projected, original, atol=1e-9)
    # the first axis carries the larger variance, and signs are fixed from run to run
    assert xy[:, 0].var() > xy[:, 1].var()
    np.testing.assert_allclose(project_2d(points[::-1], "pca")[::-1], xy, atol=1e-9)


def test_tsne_keeps_planted_groups_apart(monkeypatch):
    manifold = pytest.importorskip("sklearn.manifold")
    real = manifold.TSNE
    # scikit-learn's smallest iteration count keeps the test fast; the groups separate long before
    monkeypatch.setattr(manifold, "TSNE", lambda **kwargs: real(max_iter=250, **kwargs))
    rng = np.random.default_rng(3)
    points = np.vstack([rng.normal(size=(15, 8)) + 6 * np.eye(8)[0], rng.normal(size=(15, 8)) - 6 * np.eye(8)[0]])
    xy = project_2d(points, "tsne", seed=0)
    a, b = xy[:15].mean(axis=0), xy[15:].mean(axis=0)
    spread = max(np.linalg.norm(xy[:15] - a, axis=1).max(), np.linalg.norm(xy[15:] - b, axis=1).max())
    assert np.linalg.norm(a - b) > spread


@pytest.mark.parametrize("rows", [[[1, 0], [2, 0], [3, 0]], [[0, 0], [0, 0], [0, 0]], [[1, 2], [1, 2], [1, 2]]],
                         ids=["one-direction", "all-zero", "identical"])
def test_tsne_of_vectors_without_spread_gives_pca_map_without_crash(tmp_path, rows):
    # scikit-learn's PCA initialisation divides by a zero standard deviation and its native code
    # crashed the process (SIGSEGV): run in a child so that a crash is a failure, not the end of pytest
    pytest.importorskip("sklearn.manifold")
    path = tmp_path / "v.txt"
    path.write_text(f"{len(rows)} 2\n" + "".join(f"w{i} {x} {y}\n" for i, (x, y) in enumerate(rows)))
    out = tmp_path / "t.png"
    run = subprocess.run([sys.executable, "-m", "w2v", "plot", str(path), "--method",
                          "tsne", "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert png_size(out) == (1200, 900)
    # the unit vectors coincide: every word is drawn at one spot, as PCA draws them
    unit = KeyedVectors(["a", "b", "c"], rows).unit_vectors
    xy = project_2d(unit, "tsne")
    np.testing.assert_array_equal(xy, project_2d(unit, "pca"))
    assert xy.shape == (3, 2) and np.isfinite(xy).all()


def test_missing_extra_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.manifold", None)
    with pytest.raises(MissingExtraError, match=r"t-SNE needs scikit-learn.*pip install 'w2v\[plot\]'"):
        project_2d(np.eye(5), "tsne")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match="plotting needs matplotlib"):
        require("matplotlib", "plotting")


def test_plot_commands_without_the_extra_exit_2_with_one_line(monkeypatch, tmp_path, kv, capsys):
    path = tmp_path / "v.npz"
    kv.save(path)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["plot", str(path), "-o", str(tmp_path / "m.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "w2v[plot]" in err
    assert not (tmp_path / "m.png").exists()


# ---------------------------------------------------------------- word maps

def test_png_map_has_the_asked_size_and_is_not_blank(tmp_path, kv, capsys):
    path = tmp_path / "v.npz"
    kv.save(path)
    out = tmp_path / "map.png"
    assert main(["plot", str(path), "--top", "8", "--classes", "2", "--size", "640x480", "-o", str(out)]) == 0
    assert png_size(out) == (640, 480)
    assert drawn_pixels(out, inside=True) > 500  # 8 points and their labels
    blank = tmp_path / "blank.png"
    from w2v.plot import new_figure, save_figure

    fig, ax = new_figure((640, 480))
    fig.subplots_adjust(left=0.03, right=0.98, bottom=0.03, top=0.95)
    ax.set_xticks([])
    ax.set_yticks([])
    save_figure(fig, blank)
    assert drawn_pixels(blank, inside=True) == 0  # the same frame with nothing drawn


def test_svg_map_holds_every_word_as_text(tmp_path, kv, capsys):
    path = tmp_path / "v.npz"
    kv.save(path)
    out = tmp_path / "map.svg"
    assert main(["plot", str(path), "paris", "rome", "--neighbors", "king", "-n", "2", "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg") and root.get("width") == "864pt" and root.get("height") == "648pt"
    texts = {"".join(t.itertext()).strip() for t in root.iter() if t.tag.endswith("text")}
    expected = {"paris", "rome", "king"} | {w for w, _ in kv.most_similar("king", topn=2)}
    assert expected <= texts


def test_words_and_title_with_dollars_are_drawn_literally(tmp_path, capsys):
    # "$...$" was parsed as mathtext: "$$" was a ParseException traceback, "$x$" an italic x
    path = tmp_path / "d.txt"
    path.write_text("3 2\n$$ 1 0\n$x$ 0 1\nc 1 1\n")
    out = tmp_path / "d.svg"
    assert main(["plot", str(path), "--title", "cost in $ and $", "-o", str(out)]) == 0
    texts = {"".join(t.itertext()).strip() for t in ET.parse(out).getroot().iter() if t.tag.endswith("text")}
    assert {"$$", "$x$", "c", "cost in $ and $"} <= texts


def test_svg_of_words_and_title_with_control_characters_is_well_formed(tmp_path, capsys):
    # a control character went into the SVG as it was, which is not XML (ParseError)
    path = tmp_path / "ctl.npz"
    KeyedVectors(["x\x01y", "tab\tword", "del\x7f", "c1\x85"], np.eye(4)).save(path)
    out = tmp_path / "ctl.svg"
    assert main(["plot", str(path), "--title", "t\x1bitle", "-o", str(out)]) == 0
    texts = {"".join(t.itertext()).strip() for t in ET.parse(out).getroot().iter() if t.tag.endswith("text")}
    assert {"x\\x01y", "tab\\x09word", "del\\x7f", "c1\\x85", "t\\x1bitle"} <= texts


def test_words_and_title_with_lone_surrogates_are_drawn_as_escapes(tmp_path, capsys):
    # matplotlib's font code takes no lone surrogate: a TypeError traceback in every image format
    path = tmp_path / "s.npz"
    KeyedVectors(["\udcff", "b\ud800", "c"], np.eye(3)).save(path)
    out = tmp_path / "s.svg"
    assert main(["plot", str(path), "--title", "t\udcffitle", "-o", str(out)]) == 0
    texts = {"".join(t.itertext()).strip() for t in ET.parse(out).getroot().iter() if t.tag.endswith("text")}
    assert {"\\udcff", "b\\ud800", "c", "t\\udcffitle"} <= texts
    assert main(["plot", str(path), "-o", str(tmp_path / "s.png")]) == 0
    assert png_size(tmp_path / "s.png") == (1200, 900)


def test_map_coloured_by_a_classes_file(tmp_path, kv, capsys):
    path = tmp_path / "v.npz"
    kv.save(path)
    classes = tmp_path / "classes.txt"
    classes.write_text("paris 0\nrome 0\nking 1\nqueen 1\n")
    out = tmp_path / "map.svg"
    assert main(["plot", str(path), "paris", "rome", "king", "queen", "man", "--classes-file", str(classes),
                 "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    fills = {"".join(t.itertext()).strip(): t.get("style", "") for t in root.iter() if t.tag.endswith("text")}
    colour = {word: [part for part in fills[word].split(";") if "fill" in part] for word in
              ("paris", "rome", "king", "queen", "man")}
    assert colour["paris"] == colour["rome"] != colour["king"] == colour["queen"] != colour["man"]


def test_unknown_word_and_bad_extension_are_one_line_errors(tmp_path, kv, capsys):
    path = tmp_path / "v.npz"
    kv.save(path)
    assert main(["plot", str(path), "pariss", "-o", str(tmp_path / "m.png")]) == 2
    assert "did you mean 'paris'" in capsys.readouterr().err
    assert main(["plot", str(path), "-o", str(tmp_path / "m.jpeg")]) == 2
    assert ".png, .svg or .pdf" in capsys.readouterr().err


def test_kv_plot_returns_the_axes_with_labelled_coloured_points(kv):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    returned = kv.plot(["paris", "rome", "king", "queen"], ax=ax, classes=[0, 0, 1, 1])
    assert returned is ax
    assert sorted(t.get_text() for t in ax.texts) == ["king", "paris", "queen", "rome"]
    colours = ax.collections[0].get_facecolors()
    assert len(colours) == 4 and (colours[0] == colours[1]).all() and not (colours[0] == colours[2]).all()


def test_kv_plot_without_ax_uses_pyplot(kv):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = kv.plot(method="pca", top=5)
    assert len(ax.texts) == 5 and ax.figure in map(plt.figure, plt.get_fignums())
    plt.close("all")


def test_labels_of_crowded_points_do_not_overlap():
    from matplotlib.figure import Figure

    from w2v.plot import _set_limits, place_labels

    # pairs of points side by side: a label to the right of the left point would cover the other
    xy = np.array([[x + dx, y] for x in range(4) for y in range(4) for dx in (0.0, 0.06)])
    texts = [f"word{i:02d}" for i in range(len(xy))]

    def boxes(place):
        fig = Figure(figsize=(8, 6), dpi=100)
        ax = fig.subplots()
        ax.scatter(xy[:, 0], xy[:, 1])
        _set_limits(ax, xy)
        annotations = place(ax)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        return [a.get_window_extent(renderer) for a in annotations]

    def overlaps(extents):
        return sum(a.overlaps(b) for i, a in enumerate(extents) for b in extents[i + 1:])

    naive = boxes(lambda ax: [ax.annotate(t, p, xytext=(4, 0), textcoords="offset points", va="center")
                              for t, p in zip(texts, xy)])
    assert overlaps(naive) > 0  # the layout is crowded enough to need avoiding
    assert overlaps(boxes(lambda ax: place_labels(ax, xy, texts))) == 0


# ---------------------------------------------------------------- training curves

HISTORY = [{"epoch": i + 1, "loss": 3.0 - 0.3 * i, "words_per_second": 1e5 + i, "analogy_accuracy": 0.1 * i}
           for i in range(4)]


def test_history_panels_follow_the_records():
    from matplotlib.figure import Figure

    from w2v.curves import plot_history

    axes = plot_history(HISTORY, Figure().subplots(3, 1))
    assert len(axes) == 3
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), [r["loss"] for r in HISTORY])
    np.testing.assert_allclose(axes[2].lines[0].get_ydata(), [r["analogy_accuracy"] for r in HISTORY])
    plain = [{k: v for k, v in r.items() if k != "analogy_accuracy"} for r in HISTORY]
    assert len(plot_history(plain, Figure().subplots(3, 1))) == 2


def test_plot_history_cli_reads_a_trainer_state(tmp_path, capsys):
    from w2v.models.state import save_state

    state = tmp_path / "run.npz"
    save_state(state, {"input_vectors": np.zeros((2, 2), np.float32), "counts": np.ones(2, np.int64)},
               {"history": HISTORY})
    out = tmp_path / "curves.png"
    assert main(["plot-history", str(state), "-o", str(out)]) == 0
    assert png_size(out) == (900, 900)  # 300 pixels per panel, three panels
    assert drawn_pixels(out) > 5000
    empty = tmp_path / "empty.npz"
    save_state(empty, {"x": np.zeros(1)}, {"history": []})
    assert main(["plot-history", str(empty), "-o", str(out)]) == 2
    assert "empty" in capsys.readouterr().err


def test_plot_history_refuses_to_write_over_the_state_it_reads(tmp_path, capsys):
    # -o naming STATE (here through a link with a picture's name) replaced the trainer state
    from w2v.models.state import save_state

    state = tmp_path / "run.npz"
    save_state(state, {"input_vectors": np.zeros((2, 2), np.float32), "counts": np.ones(2, np.int64)},
               {"history": HISTORY})
    before = state.read_bytes()
    link = tmp_path / "curves.png"
    link.symlink_to(state)
    assert main(["plot-history", str(state), "-o", str(link)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-o" in err and "is the input STATE" in err
    assert state.read_bytes() == before
