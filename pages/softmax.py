"""Softmax and cross-entropy: logits -> probabilities -> loss and gradient; L vs L(B); H + KL."""
import streamlit as st

from experiments import softmax as exp
from lab import first_request
from lab.page import friendly, lesson, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import softmax as draw

LOGIT_DEFAULTS = dict(zip(exp.CLASSES, (2.0, 1.0, 0.2, -1.0)))
TABLE = [
    *(Setting(f"z_{c}", f"logit z for {c}", "float", z, low=-10, high=10, step=0.1,
              group="One example") for c, z in LOGIT_DEFAULTS.items()),
    Setting("scale", "multiply every logit by", "log", 1.0, low=0.01, high=1000, group="One example",
            help="Large factors make the model more confident; 1000 turns logits of ±1 into ±1000."),
    Setting("true", "true class k", "choice", "dog", options=exp.CLASSES, group="One example"),
    Setting("batch_size", "batch size N_B", "int", 3, low=1, high=8, group="A batch of 8 examples"),
    seed(label="batch seed", group="A batch of 8 examples"),
    *(Setting(f"p{i}", f"p, outcome {i}", "float", w, low=0.0, high=1.0, step=0.05,
              group="Two distributions", help="Weights; they are divided by their sum.")
      for i, w in enumerate((0.7, 0.2, 0.1), 1)),
    *(Setting(f"q{i}", f"q, outcome {i}", "float", w, low=0.01, high=1.0, step=0.01,
              group="Two distributions", help="Weights; they are divided by their sum.")
      for i, w in enumerate((0.2, 0.5, 0.3), 1)),
]
PRESETS = {
    "Confident and right": {"values": {"z_cat": 6.0, "z_dog": 0.0, "z_fox": 0.0, "z_owl": 0.0,
                                       "true": "cat"},
                            "question": "The model is sure it sees a cat, and it is a cat. "
                                        "How big are the loss and the gradient?"},
    "Confident and wrong": {"values": {"z_cat": 6.0, "z_dog": 0.0, "z_fox": 0.0, "z_owl": 0.0,
                                       "true": "dog"},
                            "question": "The model is sure it sees a cat, but it is a dog. "
                                        "Is the loss about 1, 6 or 60? Which gradient bar is largest?"},
    "No idea (equal logits)": {"values": {"z_cat": 0.0, "z_dog": 0.0, "z_fox": 0.0, "z_owl": 0.0},
                               "question": "All four logits are equal. What is the loss?"},
    "Extreme logits ±1000": {"values": {"z_cat": 1.0, "z_dog": -1.0, "z_fox": 0.0, "z_owl": 0.0,
                                        "scale": 1000.0},
                             "question": "Logits of +1000 and −1000: will the computer give a "
                                         "number, infinity or NaN?"},
    "q equals p": {"values": {"q1": 0.7, "q2": 0.2, "q3": 0.1}},
    "One-hot target": {"values": {"p1": 0.0, "p2": 1.0, "p3": 0.0}},
}


def page():
    lesson("Softmax and cross-entropy",
           "Move the logits z (one number per class, in the sidebar) and watch the three panels: "
           "softmax turns them into probabilities p, the loss of an example of class k is "
           "$-\\log p_k$, and its gradient with respect to the logits is simply $p - y$. The loss "
           "is near 0 when the model is sure and right, huge when it is sure and wrong; the "
           "gradient pushes the true class up, the others down.",
           formula=[r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}} \qquad \ell = -\log p_k \qquad "
                    r"\frac{\partial \ell}{\partial z_i} = p_i - y_i",
                    r"\mathcal{L} = \frac{1}{N}\sum_{a=1}^{N} \ell^a \qquad "
                    r"\mathcal{L}(B) = \frac{1}{N_B}\sum_{a \in B} \ell^a",
                    r"H(p, q) = -\sum_i p_i \log q_i = H(p) + \mathrm{KL}(p\,\|\,q)"],
           try_this=["Make the true class's logit the largest: watch the loss fall towards 0.",
                     "Add the same amount to every logit: nothing changes (softmax only sees differences).",
                     "Pick *Extreme logits ±1000*: the loss is 2000, large but finite.",
                     "Change the batch seed: L(B) jumps around the full loss L.",
                     "Set q equal to p: KL is 0 and the cross-entropy equals the entropy."])
    s = settings_panel(TABLE, PRESETS)
    label = exp.CLASSES.index(s["true"])
    logits = tuple(s["scale"] * s[f"z_{c}"] for c in exp.CLASSES)

    st.header("One example")
    frame, loss = exp.one_example(logits, label)
    show_figure(lambda: draw.one_example(frame, loss, label), "softmax-one-example", data=frame, settings=s,
                describe=exp.describe_one_example(frame, loss, label))

    st.header("A batch: the full loss L and the mini-batch loss L(B)")
    st.markdown("Example 1 is yours (above); seven more were scored by the same model. "
                "L averages all eight losses; a training step only sees L(B), the average over its batch.")
    examples, full, in_batch = exp.batch(logits, label, s["batch_size"], s["seed"])
    chart, table = st.columns([3, 2], gap="medium")
    with chart:
        show_figure(lambda: draw.batch(examples, full, in_batch), "softmax-batch", data=examples, settings=s,
                    describe=exp.describe_batch(examples, full, in_batch))
    table.dataframe(examples, hide_index=True, column_config={
        "example": st.column_config.NumberColumn("#", width="small"),
        "true_class": st.column_config.TextColumn("class", width="small"),
        "p_true": st.column_config.NumberColumn("p true", format="%.3f"),
        "loss": st.column_config.NumberColumn("loss", format="%.3f"),
        "in_batch": st.column_config.CheckboxColumn("in B", width="small")})

    st.header("Cross-entropy = entropy + KL divergence")
    st.markdown("Edit p (the data's distribution) and q (the model's) in the sidebar. The cross-entropy "
                "is the entropy of p, which the model cannot change, plus how far q is from p: "
                "minimising cross-entropy minimises KL(p‖q). A one-hot p has entropy 0, "
                "so its cross-entropy is the loss $-\\log q_k$ above.")
    with friendly():
        dists, stats = exp.entropy_split([s[f"p{i}"] for i in (1, 2, 3)], [s[f"q{i}"] for i in (1, 2, 3)])
    show_figure(lambda: draw.entropy_split(dists, stats), "softmax-entropy-kl", data=dists, settings=s,
                describe=exp.describe_entropy_split(dists, stats))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
