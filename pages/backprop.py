"""Backpropagation, step by step: forward then backward through a tiny network, then one update."""
import streamlit as st

from experiments import backprop as exp
from lab import first_request
from lab.cache import cached
from experiments import labels
from lab.page import friendly, lesson, presenting, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from nnlib.activations import ACTIVATIONS
from viz import backprop as draw

TABLE = [
    Setting("arch", "network (inputs-hidden-outputs)", "choice", "2-3-2",
            options=tuple(exp.ARCHITECTURES), group="Network"),
    Setting("activation", "activation f of the hidden units", "choice", "relu",
            options=tuple(ACTIVATIONS), labels=labels.ACTIVATIONS, group="Network"),
    Setting("sigma", "initial weights ~ N(0, σ²): σ", "log", 1.0, low=0.1, high=10, group="Network",
            help="Biases start at 0. Large σ pushes sigmoid and tanh units into saturation."),
    seed(label="weights seed", group="Network"),
    Setting("x1", "input x₁", "float", 1.0, low=-3, high=3, step=0.1, group="One training example"),
    Setting("x2", "input x₂", "float", -0.5, low=-3, high=3, step=0.1, group="One training example"),
    Setting("label", "true class y", "choice", "2", options=("1", "2"), group="One training example"),
    Setting("lr", "learning rate η", "log", 0.5, low=0.001, high=100, group="The update"),
]
PRESETS = {
    "ReLU, h₃ at z = −3.2": {
        "values": {"seed": 6},
        "question": "Hidden unit h₃ gets z = −3.2, so ReLU outputs 0. When the backward pass "
                    "reaches the weights into h₃, how large will their gradients be?"},
    "Sigmoid, σ = 3": {
        "values": {"activation": "sigmoid", "sigma": 3.0, "seed": 5, "x1": 2.0, "x2": -1.5},
        "question": "With large weights, h₁ and h₂ get z = −6.7 and −13. What is σ'(z) there, "
                    "and what does that do to the gradient of the weights into them?"},
    "tanh, η = 10": {
        "values": {"activation": "tanh", "seed": 2, "x1": 2.0, "x2": 1.0, "lr": 10.0},
        "question": "The gradient points downhill, and η = 10 takes a big step along it. "
                    "Will the loss go down, stay, or go up?"},
}
walk = cached(exp.walk)


def stage_from_link(n):
    """The 0-based stage the stepper opens at: the link's ?stage= (1..n, clamped), else the first.

    Stepping then happens in the browser (the figure's frames), so the link keeps its stage."""
    text = st.query_params.get("stage", "")
    stage = min(max(int(text), 1), n) if text.isdigit() else 1
    if text:
        st.query_params["stage"] = str(stage)
    return stage - 1


def page():
    lesson("Backpropagation, step by step",
           "Press **Next ▶** and follow **one** training example through the drawn network, a node "
           "at a time: forward to the loss, then back. The forward pass computes "
           "each unit's weighted sum z and activation a, then the loss. The backward pass then walks "
           "back from the loss, one node or weight at a time: each gradient is the gradient arriving "
           "from above times a *local* derivative (the chain rule). Last, every weight takes one step "
           "downhill.",
           formula=[r"\frac{dy}{dx} = \frac{df}{dg}\,\frac{dg}{dx} \qquad "
                    r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial z}\cdot"
                    r"\frac{\partial z}{\partial w} = \frac{\partial L}{\partial z}\cdot a_{\text{in}}",
                    r"\frac{\partial L}{\partial z_k} = p_k - y_k \qquad "
                    r"\theta \leftarrow \theta - \eta\,\frac{\partial L}{\partial \theta}"],
           try_this=["Step through once; at each ∂L/∂w check: (gradient from above) × (input of the weight).",
                     "Pick *ReLU, h₃ at z = −3.2*: which weights get a zero gradient, and why?",
                     "Switch to sigmoid and raise σ to 3: f'(z) of the hidden units shrinks (10 of "
                     "10 seeds) and with it, usually (8 of 10 seeds), the gradients of the weights "
                     "into them.",
                     "Raise η to 100: on this example the loss after the update still falls (10 of "
                     "10 seeds; one example is easy to fit). Then press *tanh, η = 10*: does it?",
                     "Change x₁, then step through again: every number on the graph follows."])
    s = settings_panel(TABLE, PRESETS, extra=("stage",))
    with friendly():
        w = walk(s["arch"], s["activation"], s["x1"], s["x2"], int(s["label"]) - 1, s["sigma"],
                 s["seed"], s["lr"])
    stages = w["stages"]
    index = stage_from_link(len(stages))
    show_figure(lambda: draw.stepper(w, index, big=presenting()), "backprop-graph", data=exp.stage_table(stages),
                settings={**s, "stage": index + 1}, describe=exp.describe_graph(w, index))
    # under the figure, so that its line of height goes to the graph on a projector
    st.caption("Press **Next ▶** under the graph (or click the slider, then use ← →): all "
               f"{len(stages)} steps are in the figure, so stepping needs no wait.")

    st.header("The whole gradient, checked, and the update")
    for sentence in exp.verdict(w, lr=s["lr"]):
        st.markdown(f"- {sentence}")
    table, line = st.columns([1, 1], gap="large")
    table.markdown("Each backprop gradient next to a central finite difference "
                   r"$\frac{L(\theta_i + \varepsilon) - L(\theta_i - \varepsilon)}{2\varepsilon}$, "
                   r"$\varepsilon = 10^{-5}$, and the parameter after the update.")
    table.dataframe(w["check"], hide_index=True, column_config={
        "parameter": "θ", "value": st.column_config.NumberColumn("θ before", format="%.4f"),
        "backprop": st.column_config.NumberColumn("∂L/∂θ backprop", format="%.6f"),
        "finite_difference": st.column_config.NumberColumn("finite difference", format="%.6f"),
        "relative_error": None,   # in the CSV; the table says how many digits agree
        "digits_agreeing": st.column_config.NumberColumn("digits that agree", format="%d"),
        "after_update": st.column_config.NumberColumn("θ after", format="%.4f")})
    with line:
        show_figure(lambda: draw.step_line(w["line"], s["lr"], w["loss_before"], w["loss_after"]), "backprop-step",
                    data=w["line"], settings=s,
                    describe=exp.describe_step(w["line"], s["lr"], w["loss_before"], w["loss_after"]))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
