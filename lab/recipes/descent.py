"""Notebook recipe: Descent on a surface (pages/descent.py, experiments/descent.py).

Reproduces the main figure "descent-race" and the curves "descent-loss" (both draw the same
runs: one row per optimizer and step, with x, y, f, f − f* and the gradient) with
nnlib.surfaces and nnlib.optim, and draws the race over the contour map in plain Plotly.
"""
import inspect

from experiments import descent as exp
from experiments import labels
from experiments import schedules as schedule_exp

TITLE = "Descent on a surface"
MAIN = "descent-race"   # the figure the button sits under
FIGURES = ("descent-race", "descent-loss")
INTRO = ("Each optimizer is a dot rolling downhill on the same surface from the same start. On "
         "the default valley the walls curve 100 times more sharply than the floor: plain SGD "
         "zig-zags across the steep walls, then crawls along the floor; momentum builds up speed "
         "along the floor; Adam scales each direction by itself.")
SETTINGS = {"surface": f"one of {', '.join(exp.SURFACE_LABELS)}",
            "kappa": "condition number κ of the valley (valley only)",
            "own_start": "True: start at (x0, y0); False: the surface's own start",
            "x0": "start x (if own_start)", "y0": "start y (if own_start)",
            "optimizers": f"the racers, any of {', '.join(exp.OPTIMIZERS)}",
            **{f"lr_{name}": f"learning rate η of {labels.OPTIMIZERS[name]}"
               for name in exp.OPTIMIZERS},
            "beta": "momentum β (SGD + momentum, Nesterov)",
            "schedule": f"one of {', '.join(schedule_exp.SCHEDULES)}", "steps": "steps"}
RACER_LABELS = {name: labels.OPTIMIZERS[name] for name in exp.OPTIMIZERS}


def _maps():
    """The code of MAPS: surface name -> its plot limits and default start, as the page draws
    it, one surface a line."""
    lines = [f"    {name!r}: {{'xlim': {look.xlim}, 'ylim': {look.ylim}, 'start': {look.start}}},"
             for name, look in ((name, exp.surface(name)) for name in exp.SURFACE_LABELS)]
    return "MAPS = {   # the page's plot limits and default start of each surface\n" + "\n".join(lines) + "\n}"


def cells(s):
    settings = schedule_exp.REGISTRY[s["schedule"]].settings
    return [
        ("md", "## The surface\n\nA function f(x, y) of two parameters with its gradient "
               "∇f = (∂f/∂x, ∂f/∂y) in closed form (`nnlib.surfaces`), its minima (the global "
               "one first) and, for the bowl and the valley, the eigenvalues of its Hessian. "
               "The valley is f = ½ (x²/κ + y²): curvature 1/κ along the floor, 1 across it."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib import optim, schedules, surfaces

{_maps()}
surf = surfaces.valley(kappa) if surface == "valley" else surfaces.SURFACES[surface]
f_star = float(surf.f(*surf.minima[0]))                  # the value at the global minimum
start = (x0, y0) if own_start else MAPS[surface]["start"]
print(f"{{surface}}: minima {{surf.minima}}, f* = {{f_star:g}}; start {{start}}")
"""),
        ("md", "## The optimizers\n\nSGD steps θ ← θ − η ∇f(θ); momentum keeps a velocity, "
               "v ← β v + ∇f(θ), θ ← θ − η v; Adam, RMSprop and Adagrad divide each coordinate's "
               "step by a running size of its own gradients. Each gets its own η."),
        ("code", f"""
MOMENTUM = {exp.MOMENTUM!r}                  # the optimizers that take β
LABELS = {RACER_LABELS!r}
LR = {{{", ".join(f'"{name}": lr_{name}' for name in exp.OPTIMIZERS)}}}


def make_optimizer(name):
    return optim.get(name, lr=LR[name], **({{"momentum": beta}} if name in MOMENTUM else {{}}))


racers = [(name, make_optimizer(name)) for name in optimizers]
racers
"""),
        ("md", "## The schedule\n\nA schedule changes every racer's η during the run. Here a run "
               "is counted in steps, so the schedule's settings are chosen relative to `steps`."),
        ("code", f"""
STYLE = {exp.SCHEDULE_STYLE.get(s["schedule"], {})!r}      # this lesson's own choices for the schedule
{inspect.getsource(settings).strip()}


schedule_settings = {settings.__name__}(steps, **STYLE)
print(f"{{schedule}} over {{steps}} steps: {{schedule_settings}}")
"""),
        ("md", "## The race\n\nAll racers start from the same point; each step computes the "
               "gradient of every racer at once and lets each optimizer move its own point. A "
               "racer that leaves |x|, |y| ≤ 10⁶ has diverged: its path is NaN from there on."),
        ("code", """
paths = surfaces.race(surf, racers, start, steps,
                      schedule=lambda opt: schedules.get(schedule, opt, **schedule_settings))
frames = []
for name, path in paths.items():
    x, y = path[:, 0], path[:, 1]
    with np.errstate(all="ignore"):
        loss = surf.f(x, y)
        gx, gy = surf.grad(x, y)
    frames.append(pd.DataFrame({"optimizer": name, "label": LABELS[name],
                                "step": np.arange(len(path)), "x": x, "y": y, "loss": loss,
                                "gap": loss - f_star, "gx": gx, "gy": gy}))
runs = pd.concat(frames, ignore_index=True)
numbers = {"descent-race": runs, "descent-loss": runs}      # both figures draw these runs
for name, path in paths.items():
    gone = surfaces.diverged_at(path)
    print(f"{LABELS[name]}: diverged at step {gone}" if gone is not None else
          f"{LABELS[name]}: ends at ({path[-1, 0]:.4g}, {path[-1, 1]:.4g}), "
          f"f − f* = {surf.f(*path[-1]) - f_star:.3g}")
"""),
        ("md", "## The figures\n\nThe routes over the contour map of log₁₀(f − f* + ε) (log "
               "spacing shows the steep walls and the flat floor at once), and f − f* per step "
               "on a log scale: a straight line there is a fixed rate per step."),
        ("code", """
import plotly.graph_objects as go

xs, ys = np.linspace(*MAPS[surface]["xlim"], 161), np.linspace(*MAPS[surface]["ylim"], 161)
gap = surf.f(*np.meshgrid(xs, ys)) - f_star
fig = go.Figure(go.Contour(x=xs, y=ys, z=np.log10(np.maximum(gap, 0) + 1e-5 * gap.max()),
                           contours_coloring="none", line=dict(color="#aaa", width=1),
                           ncontours=25, showscale=False, name="log₁₀(f − f* + ε)"))
for name, rows in runs.groupby("optimizer", sort=False):
    fig.add_scatter(x=rows["x"], y=rows["y"], mode="lines+markers", marker_size=4,
                    name=LABELS[name])
fig.add_scatter(x=[m[0] for m in surf.minima], y=[m[1] for m in surf.minima], mode="markers",
                marker=dict(symbol="star", size=14, color="gold"), name="minima")
fig.update_layout(title=f"{len(optimizers)} optimizers on the {surface}", xaxis_title="x",
                  yaxis_title="y", template="plotly_white", height=550,
                  xaxis_range=MAPS[surface]["xlim"], yaxis_range=MAPS[surface]["ylim"])
fig.show()

fig = go.Figure()
for name, rows in runs.groupby("optimizer", sort=False):
    fig.add_scatter(x=rows["step"], y=rows["gap"].clip(lower=1e-16), mode="lines",
                    name=LABELS[name])
fig.update_layout(title="f − f* per step", xaxis_title="step", yaxis_title="f − f*",
                  yaxis_type="log", template="plotly_white")
fig.show()
"""),
    ]
