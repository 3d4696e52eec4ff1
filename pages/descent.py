"""Descent on a surface: optimizers race over a 2-D loss surface; verdicts; momentum's rate map."""
import streamlit as st

from experiments import descent as exp
from lab import first_request
from lab.cache import cached
from experiments import labels, schedules
from lab.page import friendly, lesson, show_figure
from lab.panel import settings_panel
from lab.settings import Setting
from viz import descent as draw
from viz.animation import SPEEDS

LR_DEFAULTS = {"sgd": 1.5, "momentum": 2.0, "nesterov": 1.0, "adam": 0.5, "rmsprop": 0.1,
               "adagrad": 1.0}
TABLE = [
    Setting("surface", "surface", "choice", "valley", options=tuple(exp.SURFACE_LABELS),
            labels=exp.SURFACE_LABELS, group="Surface"),
    Setting("kappa", "condition number κ (valley only)", "log", 100.0, low=1, high=1000,
            group="Surface", help="How many times steeper the valley's walls are than its floor.",
            shown_when=lambda v: v["surface"] == "valley"),
    Setting("own_start", "choose my own start point", "bool", False, group="Surface"),
    Setting("x0", "start x", "float", -1.5, low=-10, high=10, step=0.1, group="Surface",
            shown_when=lambda v: v["own_start"],
            range_when=lambda v: exp.surface(v["surface"], v["kappa"]).xlim),   # on the map
    Setting("y0", "start y", "float", 1.0, low=-10, high=10, step=0.1, group="Surface",
            shown_when=lambda v: v["own_start"],
            range_when=lambda v: exp.surface(v["surface"], v["kappa"]).ylim),
    Setting("optimizers", "optimizers in the race", "multi", ("sgd", "momentum", "adam"),
            options=exp.OPTIMIZERS, labels=labels.OPTIMIZERS, group="Optimizers"),
    *(Setting(f"lr_{name}", f"learning rate η, {labels.OPTIMIZERS[name]}", "log", lr, low=1e-4,
              high=10, group="Optimizers", shown_when=lambda v, name=name: name in v["optimizers"])
      for name, lr in LR_DEFAULTS.items()),   # only the racing optimizers' η
    Setting("beta", "momentum β (SGD + momentum, Nesterov)", "float", 0.8, low=0.0, high=0.99,
            step=0.01, group="Optimizers", help="The fraction of the previous step kept in the next.",
            shown_when=lambda v: {"momentum", "nesterov"} & set(v["optimizers"])),
    Setting("schedule", "learning-rate schedule", "choice", "constant",
            options=tuple(schedules.SCHEDULES), labels=schedules.LABELS, group="Run",
            help="step decay: halve every quarter of the run; exponential decay: to 1%; "
                 "1/t decay: to 1/10; cosine annealing: to 0; linear warm-up: the first 10%; "
                 "warm-up then cosine: 10% warm-up, then a cosine to 0; "
                 "reduce on plateau: halve after 10 steps without progress."),
    Setting("steps", "steps", "int", 150, low=10, high=1000, group="Run"),
    Setting("arrows", "arrows: slope −∇f and the step taken", "bool", True, group="Display"),
    Setting("speed", "playback speed", "choice", "normal", options=tuple(SPEEDS), group="Display"),
]
PRESETS = {
    "Bowl, SGD η = 3": {
        "values": {"surface": "bowl", "lr_sgd": 3.0, "lr_momentum": 0.5, "lr_adam": 0.1,
                   "beta": 0.5, "steps": 60},
        "question": "The bowl curves by 1 in every direction. Plain SGD gets η = 3. "
                    "What will its path do?"},
    "Valley, SGD η = 2": {
        "values": {"surface": "valley", "optimizers": ("sgd",), "lr_sgd": 2.0, "steps": 100},
        "question": "η = 2 is exactly 2/λ_max for this valley. Converge, diverge, or neither?"},
    "Momentum through the valley": {
        "values": {"surface": "valley", "optimizers": ("sgd", "momentum"), "lr_sgd": 1.0,
                   "lr_momentum": 3.0, "beta": 0.7, "steps": 100},
        "question": "SGD and momentum both follow the slope; momentum also keeps 70% of its "
                    "last step. Who reaches the minimum first?"},
    "Saddle point: plain GD stalls": {
        "values": {"surface": "saddle", "lr_sgd": 0.02, "lr_momentum": 0.02, "lr_adam": 0.05,
                   "beta": 0.9, "steps": 150}},
    "Rosenbrock banana": {
        "values": {"surface": "rosenbrock", "lr_sgd": 0.001, "lr_momentum": 0.001,
                   "lr_adam": 0.1, "beta": 0.9, "steps": 1000}},
    "Double well": {
        "values": {"surface": "double_well", "lr_sgd": 0.05, "lr_momentum": 0.05,
                   "lr_adam": 0.05, "beta": 0.9, "steps": 200},
        "question": "All three start high on the left. The right-hand well is deeper. "
                    "Which optimizers end up there?"},
}
race = cached(exp.race)
contour_grid = cached(exp.contour_grid)
rate_map = cached(exp.rate_map)
start_sentence = cached(exp.start_sentence)


def page():
    lesson("Descent on a surface",
           "Each dot is an optimizer rolling downhill on the same surface from the same start; the "
           "lines behind them are their routes so far. On the default valley the walls curve 100 times more "
           "sharply than the floor: plain SGD zig-zags across the steep walls, then crawls along the "
           "floor; momentum builds up speed along the floor; Adam scales each direction by itself. "
           "Press **▶ Play**, then read the verdicts.",
           formula=[r"\text{SGD: } \theta \leftarrow \theta - \eta\,\nabla f(\theta)",
                    r"\text{momentum: } v \leftarrow \beta v + \nabla f(\theta), \quad "
                    r"\theta \leftarrow \theta - \eta\, v",
                    r"\text{quadratic: stable only if } \eta < 2/\lambda_{\max}"],
           try_this=["Set SGD's η to 0.5, 1, 1.5, 2 and 3 on the valley and say what its path does "
                     "each time; the verdicts name it.",
                     "Raise κ to 1000: SGD's crawl along the floor gets 10 times slower.",
                     "Move your momentum point on the rate map (η and β) to the ★.",
                     "Pick *Double well*, then read the sentence under the verdicts: how often "
                     "does momentum get over the hump from other starts?",
                     "Try the cosine schedule on Rosenbrock."])
    s = settings_panel(TABLE, PRESETS)
    names = s["optimizers"]
    start = (s["x0"], s["y0"]) if s["own_start"] else None
    with friendly():
        surf = exp.surface(s["surface"], s["kappa"])
        runs = race(s["surface"], s["kappa"], names, tuple(s[f"lr_{n}"] for n in names), s["beta"],
                    s["schedule"], s["steps"], start)
        verdicts = exp.verdicts(runs, surface_name=s["surface"], kappa=s["kappa"])
        grid = contour_grid(s["surface"], s["kappa"], n=401)

    show_figure(lambda: draw.race(runs, grid, surf, verdicts, arrows=s["arrows"], speed=s["speed"]),
                "descent-race", data=runs, settings=s, describe=exp.describe_race(runs, verdicts))
    st.latex(surf.formula)
    st.caption(exp.lr_hint(s["surface"], s["kappa"]) + " Contour lines are spaced "
               "logarithmically, so the steep walls and the flat floor both show.")

    verdict_col, loss_col = st.columns([2, 3], gap="large")
    with verdict_col:
        st.subheader("Verdicts")
        st.markdown("\n".join(f"- {sentence}" for sentence in verdicts["sentence"]))
        for n in names:
            with friendly():
                said = start_sentence(s["surface"], s["kappa"], n, s[f"lr_{n}"], s["beta"],
                                      s["schedule"], s["steps"])
            if said:
                st.markdown(f"- {said}")
        st.dataframe(verdicts[["label", "verdict", "step", "final_gap"]], hide_index=True, column_config={
            "label": "optimizer", "step": st.column_config.NumberColumn(format="%d"),
            "final_gap": st.column_config.NumberColumn("f − f* at the end", format="%.3g")})
    with loss_col:
        show_figure(lambda: draw.loss_curves(runs, verdicts, exp.CLOSE), "descent-loss", data=runs, settings=s,
                    describe=exp.describe_loss_curves(runs, verdicts))

    if surf.hessian_eigs is None:
        st.caption("The momentum rate map below needs a quadratic: pick the bowl or the valley.")
        st.stop()
    st.header("Why momentum helps: the rate map")
    lam_min, lam_max = surf.hessian_eigs
    best = exp.best_rates(lam_min, lam_max)
    alphas, betas, rates = rate_map(lam_min, lam_max)
    mine = [(labels.OPTIMIZERS[n], s[f"lr_{n}"], s["beta"] if n == "momentum" else 0.0, draw.colour(n), "circle")
            for n in ("sgd", "momentum") if n in names]
    st.markdown(
        "On a quadratic the error along each direction shrinks by a fixed factor per step, the "
        "**rate**: 0.9 means 10% closer every step, 1 or more means it never settles. The rate of "
        "heavy-ball momentum depends only on η, β and the curvatures λ_min, λ_max "
        "(Goh, *Why Momentum Really Works*, Distill 2017). Dark is fast, grey diverges.")
    st.latex(r"\text{rate}(\eta, \beta) = \max_{\lambda \in \{\lambda_{\min}, \lambda_{\max}\}} "
             r"\rho\begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0 \end{pmatrix}, \qquad "
             r"\text{best: } \frac{\kappa - 1}{\kappa + 1} \text{ without momentum}, \ "
             r"\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1} \text{ with}")
    show_figure(lambda: draw.rate_map(alphas, betas, rates, best, mine), "descent-rate-map", settings=s,
                describe=exp.describe_rate_map(alphas, betas, rates, best, mine))
    lines = [f"- {exp.rate_sentence(label, a, b, lam_min, lam_max)}" for label, a, b, *_ in mine]
    lines.append(f"- Best without momentum: η = {best['gd_alpha']:.3g}, rate {best['gd_rate']:.4g}; "
                 f"best with momentum: η = {best['hb_alpha']:.3g}, β = {best['hb_beta']:.2f}, "
                 f"rate {best['hb_rate']:.4g} (κ = {best['kappa']:g}).")
    st.markdown("\n".join(lines))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
