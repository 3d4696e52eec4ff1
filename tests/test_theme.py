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


def test_phone_grid_stands_one_row_of_panels_in_rows_that_never_overlap_and_can_go_back():
    fig = make_subplots(1, 4, subplot_titles=["a", "b<br>two lines", "c", "d"], horizontal_spacing=0.03)
    for col in range(1, 5):
        fig.add_scatter(y=[1, 2], row=1, col=col)
    fig.update_yaxes(title_text="β", row=1, col=1)
    fig.update_yaxes(showticklabels=False, row=1, col=2)
    fig.update_layout(margin=dict(t=80, b=50))
    phone = theme.phone_grid(fig, 2, 100)
    layout, wide = phone["layout"], phone["wide"]
    assert layout.keys() == wide.keys()
    boxes = [(layout[f"xaxis{k}.domain"], layout[f"yaxis{k}.domain"]) for k in ("", 2, 3, 4)]
    assert [b[1] for b in boxes[:2]] == [boxes[0][1]] * 2 and boxes[2][1][1] < boxes[0][1][0]   # two rows
    for (x, y) in boxes:
        assert 0 <= x[0] < x[1] <= 1 and 0 <= y[0] < y[1] <= 1
    gap_px = (boxes[0][1][0] - boxes[2][1][1]) * (phone["height"] - 130)
    assert gap_px >= theme.X_AXIS_ROOM + 2 * theme.FONT[False]      # x ticks, title, two title lines
    assert abs((boxes[0][1][1] - boxes[0][1][0]) * (phone["height"] - 130) - 100) < 1   # 100 px panels
    assert layout["annotations[2].x"] == sum(boxes[2][0]) / 2 and layout["annotations[2].y"] == boxes[2][1][1]
    assert layout["yaxis3.title.text"] == "β" and layout["yaxis3.showticklabels"]   # first column
    assert layout["yaxis2.showticklabels"] is False and wide["yaxis3.title.text"] is None
    assert wide["xaxis2.domain"] == list(fig.layout.xaxis2.domain)
    assert wide["annotations[1].y"] == fig.layout.annotations[1].y
