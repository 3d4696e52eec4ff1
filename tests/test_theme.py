"""viz/theme.py's layout helpers: panel titles that fit a phone, legends in a strip of their
own, and log axes that say so once (issue 14)."""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme


def test_panel_title_breaks_at_spaces_into_lines_that_two_panels_fit_side_by_side():
    title = theme.panel_title("escape rate vs learning rate")
    assert title == "escape rate vs<br>learning rate"
    assert all(len(line) <= theme.PANEL_LINE for line in title.split("<br>"))
    assert theme.panel_title("constant") == "constant"


def test_legend_strips_sit_in_the_figure_margin_with_room_for_every_row():
    above = theme.legend_above(go.Figure(), rows=3).layout
    assert (above.legend.yref, above.legend.y, above.legend.yanchor) == ("container", 1, "top")
    assert above.margin.t == theme.TITLE_ROOM + 3 * theme.LEGEND_ROW
    below = theme.legend_below(go.Figure(), rows=2).layout
    assert (below.legend.yref, below.legend.y, below.legend.yanchor) == ("container", 0, "bottom")
    assert below.margin.b == theme.X_AXIS_ROOM + 2 * theme.LEGEND_ROW


def test_shared_log_axis_is_labelled_once_on_the_axis_with_numbers():
    fig = make_subplots(rows=2, shared_xaxes=True).update_xaxes(type="log")
    fig.add_scatter(x=[1, 10], y=[1, 2], row=1, col=1).add_scatter(x=[1, 10], y=[1, 2], row=2, col=1)
    layout = theme.apply(fig).layout
    assert layout.xaxis.showticklabels is False and not layout.xaxis.title.text
    assert "log" in layout.xaxis2.title.text and layout.xaxis2.exponentformat == "power"
