"""Figures for the early stopping and dropout lesson (results of experiments.regularization)."""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme
from viz.animation import animate, rounded

# P(class 1) from light blue (class 0) through white to light vermillion (class 1): the
# Okabe-Ito class colours, pale enough for the points on top to stand out.
PROBABILITY = [[0.0, "#9CC3E0"], [0.5, "#FFFFFF"], [1.0, "#F3B38C"]]
CLASS_COLOURS = (theme.BLUE, theme.VERMILLION)
METRICS = {"loss": "loss (cross-entropy)", "acc": "accuracy"}


def curves(result, metric="loss", start_from_epoch=0):
    """Training and validation `metric` ("loss" or "acc") per epoch, with early stopping's marks:
    the saved checkpoint (best epoch), the epoch patience ran out, the unmonitored start.
    Epochs after the stop are dotted: training would have gone on like this."""
    c, best, stopped = result["curves"], result["best_epoch"], result["stopped_epoch"]
    fig = go.Figure()
    for part, colour in (("train", theme.BLUE), ("val", theme.VERMILLION)):
        name = "training" if part == "train" else "validation"
        y = c[f"{part}_{metric}"]
        fig.add_scatter(x=c["epoch"][c["trained"]], y=y[c["trained"]], mode="lines", name=name,
                        line_color=colour, legendgroup=part,
                        hovertemplate=f"epoch %{{x}}: {name} %{{y:.3f}}<extra></extra>")
        if not c["trained"].all():
            after = c["epoch"] >= stopped
            fig.add_scatter(x=c["epoch"][after], y=y[after], mode="lines", opacity=0.45,
                            name=f"{name}, had training continued", legendgroup=part,
                            line=dict(color=colour, dash="dot"),
                            hovertemplate=f"epoch %{{x}}: {name} %{{y:.3f}} (not trained with "
                                          "early stopping)<extra></extra>")
    mark = best if best is not None else result["lowest_epoch"]
    text = (f"saved checkpoint: epoch {best}" if best is not None
            else f"lowest validation loss: epoch {mark}")
    fig.add_scatter(x=[mark], y=[c[f"val_{metric}"].iloc[mark]], mode="markers", name=text,
                    marker=dict(symbol="star", size=20, color=theme.BLACK,
                                line=dict(color="white", width=1)))
    if best is not None:
        fig.add_vline(x=best, line=dict(color=theme.BLACK, width=1.5))
    if stopped is not None:
        fig.add_vline(x=stopped, line=dict(color=theme.BLACK, dash="dash", width=2),
                      annotation=dict(text=f"patience ran out: epoch {stopped}",
                                      xanchor="left", yanchor="top", y=1))
    if start_from_epoch:
        fig.add_vrect(x0=0, x1=start_from_epoch, fillcolor=theme.GREY, opacity=0.15,
                      line_width=0, annotation=dict(text="not monitored", yanchor="bottom", y=0))
    fig.update_layout(height=460, title=f"Training vs validation {METRICS[metric]} per epoch",
                      xaxis_title="epoch", yaxis=dict(title=METRICS[metric], rangemode="tozero"),
                      legend=dict(orientation="h", y=-0.25), margin=dict(b=130))
    return theme.apply(fig)


def boundaries(result, left_title):
    """Two probability maps with the training points: the kept model (left) and the last epoch
    of the full run (right), the right one animated over the epochs (slider starts at the end)."""
    g, points = result["grid"], result["points"]
    last = int(g["epochs"][-1])
    fig = make_subplots(cols=2, horizontal_spacing=0.06, subplot_titles=(
        left_title, f"full run (▶)<br>to epoch {last}"))
    for col, z in ((1, g["kept"]), (2, g["p"][-1])):
        fig.add_heatmap(x=g["x"], y=g["y"], z=rounded(z, 2), zmin=0, zmax=1,
                        colorscale=PROBABILITY, showscale=col == 2, zsmooth="best", row=1, col=col,
                        colorbar=dict(title="P(class 1)", len=0.8),
                        hovertemplate="P(class 1) = %{z:.2f}<extra></extra>")
    train = points[points["set"] == "training"]
    for label, colour in enumerate(CLASS_COLOURS):
        rows = train[train["target"] == label]
        for col in (1, 2):
            fig.add_scatter(x=rows["x1"], y=rows["x2"], mode="markers", name=f"class {label}",
                            marker=dict(color=colour, size=8, line=dict(color="white", width=1)),
                            showlegend=col == 1, legendgroup=str(label), row=1, col=col,
                            hoverinfo="skip")
    frames = [[go.Heatmap(z=rounded(p, 2))] for p in g["p"]]
    animate(fig, frames, traces=[1], labels=g["epochs"], prefix="epoch ", redraw=True)
    fig.layout.sliders[0].active = len(frames) - 1
    fig.update_xaxes(range=[g["x"][0], g["x"][-1]], constrain="domain", nticks=4)   # level on a phone's panel
    fig.update_yaxes(range=[g["y"][0], g["y"][-1]], scaleanchor="x", row=1, col=1)
    fig.update_yaxes(range=[g["y"][0], g["y"][-1]], scaleanchor="x2", row=1, col=2)
    fig.update_layout(height=560, margin=dict(t=110),   # the legend at the very top, above the panel titles
                      legend=dict(orientation="h", yref="container", y=1, yanchor="top", x=1, xanchor="right"))
    return theme.apply(fig)


def gaps(frame, current=None):
    """Overfitting gap (validation − training loss at the last epoch) per dropout p;
    the learner's own p in orange."""
    colours = [theme.ORANGE if current is not None and abs(p - current) < 1e-9 else theme.BLUE
               for p in frame["dropout"]]
    fig = go.Figure(go.Bar(x=[f"p = {p:g}" for p in frame["dropout"]], y=frame["gap"],
                           marker_color=colours, text=[f"{g:.2f}" for g in frame["gap"]],
                           textposition="outside", customdata=frame[["train_loss", "val_loss"]],
                           hovertemplate="%{x}: gap %{y:.3f}<br>training %{customdata[0]:.3f}, "
                                         "validation %{customdata[1]:.3f}<extra></extra>"))
    fig.update_layout(height=380, title="Gap at the last epoch: validation − training loss",
                      xaxis_title="dropout probability", yaxis=dict(title="gap", rangemode="tozero"),
                      bargap=0.4)
    return theme.apply(fig)
