from datetime import date

from lantern.charts.timeline import Mark, Span, Timeline, describe, render_timeline

CAMARGO = Timeline(
    "GOPES",
    allegations=(Span("alg-camargo", date(2021, 1, 22), date(2021, 1, 22), credible_on=date(2021, 2, 2)),),
    licences=(Mark("DDTC/1", date(2019, 5, 6)), Mark("DDTC/2", date(2022, 3, 1))),
    shipments=(Mark("S1", date(2021, 6, 1)),),
)


def test_describes_what_came_after_the_unit_was_implicated() -> None:
    assert describe(CAMARGO) == (
        "1 allegation(s), 2 licence(s) and 1 shipment(s) naming GOPES. "
        "First held credible on 2021-02-02; after that day: 1 licence(s) and 1 shipment(s)."
    )
    assert "No allegation against it has been held credible." in describe(Timeline("X"))


def test_the_same_timeline_gives_the_same_bytes() -> None:
    first = render_timeline(CAMARGO)
    assert first == render_timeline(CAMARGO)
    assert first.startswith(b"<?xml")
    assert b"implicated 2021-02-02" in first


def test_text_is_escaped_and_dollars_are_not_formulas() -> None:
    svg = render_timeline(Timeline("<script>alert(1)</script> $x^2$ & co", allegations=CAMARGO.allegations))
    assert b"<script>" not in svg
    assert b"&lt;script&gt;" in svg
    assert b"$x^2$" in svg


def test_an_empty_timeline_still_draws() -> None:
    assert b"No dated allegation" in render_timeline(Timeline("Nobody"))


def test_reports_can_have_pdf_and_png() -> None:
    assert render_timeline(CAMARGO, fmt="pdf").startswith(b"%PDF")
    assert render_timeline(CAMARGO, fmt="png").startswith(b"\x89PNG")
    assert render_timeline(CAMARGO, fmt="pdf") == render_timeline(CAMARGO, fmt="pdf")
