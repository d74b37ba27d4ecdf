from lantern.charts.bars import Bars, Series, describe_bars, render_bars
from lantern.charts.lines import Line, Lines, describe_lines, render_lines

FLOWS = Bars(
    "Items shipped by year",
    ("2019", "2020", "2021"),
    (Series("USML Category I", (100.0, 0.0, 50.0)), Series("CCL 0A501–0A505", (0.0, 300.0, 25.0))),
)
COVERAGE = Lines(
    "Coverage",
    (
        Line("USML Category I", ((2019, 0.5), (2021, 0.25))),
        Line("CCL 0A501–0A505", ((2020, 0.0), (2021, 0.0))),
    ),
    marker_year=2020,
    marker_label="9 March 2020",
)


def test_bars_are_described_by_their_total_and_largest_bar() -> None:
    assert (
        describe_bars(FLOWS) == "Items shipped by year: 475 items over 3 bars; the largest is 2020 with 300."
    )
    assert describe_bars(Bars("Nothing", (), ())) == "Nothing: nothing to show."


def test_lines_are_described_from_first_to_last_year() -> None:
    assert describe_lines(COVERAGE) == (
        "Coverage. USML Category I: 50% in 2019, 25% in 2021. CCL 0A501–0A505: 0% in 2020, 0% in 2021."
    )


def test_the_same_chart_gives_the_same_bytes_in_every_format() -> None:
    for fmt in ("svg", "png", "pdf"):
        assert render_bars(FLOWS, fmt=fmt) == render_bars(FLOWS, fmt=fmt)
        assert render_lines(COVERAGE, fmt=fmt) == render_lines(COVERAGE, fmt=fmt)
    assert render_bars(FLOWS, fmt="png").startswith(b"\x89PNG")


def test_labels_are_escaped_text() -> None:
    svg = render_bars(Bars("t", ("<script>x</script> $a$",), (Series("s", (1.0,)),), horizontal=True))
    assert b"<script>" not in svg
    assert b"&lt;script&gt;" in svg
