import matplotlib

matplotlib.use("Agg")

from PIL import Image

from corpus_tools import load_meetings, plots


def test_lengths_figure_has_one_bar_per_document_with_its_count(corpus, tmp_path):
    fig = plots.document_lengths(corpus)
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == sorted(corpus["n_words"].tolist())
    path = plots.save_figure(fig, tmp_path, "00_lengths")
    assert path == tmp_path / "figures" / "00_lengths.png"
    image = Image.open(path)
    assert image.size[0] > 400 and "Software" not in image.info


def test_timeline_lists_every_report_under_its_meeting(corpus):
    fig = plots.meeting_timeline(load_meetings(), corpus)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "003 theclickspot.com, date unknown" in texts
    assert "004 The Moscow Times, 06 Jan 2026" in texts
    assert "285 days" in texts and "7 days" in texts


def test_short_label():
    assert plots.short_label("001_x", "The Moscow Times") == "001 The Moscow Times"
