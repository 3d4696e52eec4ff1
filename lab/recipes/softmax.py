"""Notebook recipe: Softmax and cross-entropy (pages/softmax.py, experiments/softmax.py).

Reproduces the main figure "softmax-one-example" (logits, probabilities, one-hot target and
gradient p − y per class), the batch of eight examples with L and L(B) ("softmax-batch") and the
two distributions of H(p, q) = H(p) + KL(p ‖ q) ("softmax-entropy-kl") with nnlib.losses.
"""
from experiments import softmax as exp

TITLE = "Softmax and cross-entropy"
MAIN = "softmax-one-example"   # the figure the button sits under
FIGURES = ("softmax-one-example", "softmax-batch", "softmax-entropy-kl")
INTRO = ("A classifier outputs one number per class, the **logits** z. Softmax turns them into "
         "probabilities p, and the loss of an example of class k is −log p_k: near 0 when the "
         "model is sure and right, huge when it is sure and wrong. Its gradient with respect to "
         "the logits is simply p − y: push the true class up, the others down.")
SETTINGS = {**{f"z_{c}": f"logit z for {c}" for c in exp.CLASSES},
            "scale": "every logit is multiplied by this", "true": "the true class k",
            "batch_size": "batch size N_B, out of the 8 examples", "seed": "which examples are in B",
            **{f"p{i}": f"weight of outcome {i} in p (divided by their sum)" for i in (1, 2, 3)},
            **{f"q{i}": f"weight of outcome {i} in q (divided by their sum)" for i in (1, 2, 3)}}


def cells(s):
    return [
        ("md", "## One example\n\np = softmax(z), pᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}, and the loss "
               "ℓ = −log p_k of the true class k. nnlib computes both together, stably "
               "(log Σ eᶻ with the largest logit taken out first), so logits of ±1000 give a "
               "finite loss instead of inf or NaN."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib.losses import softmax, softmax_cross_entropy

CLASSES = {exp.CLASSES}
label = CLASSES.index(true)
z = np.array([[scale * z_{", scale * z_".join(exp.CLASSES)}]])
loss, grad = softmax_cross_entropy(z, np.array([label]))          # ℓ and ∂ℓ/∂z = p − y
one = pd.DataFrame({{"class": CLASSES, "logit": z[0], "p": softmax(z)[0],
                    "y": np.eye(len(CLASSES))[label], "grad": grad[0]}})
print(f"loss −log p_{{true}} = {{float(loss):.6g}}")
one
"""),
        ("md", "## A batch: the full loss L and the mini-batch loss L(B)\n\nExample 1 is yours; "
               "seven more were scored by the same model. L = (1/N) Σ_a ℓᵃ averages all eight "
               "losses; a training step only sees L(B) = (1/N_B) Σ_{a∈B} ℓᵃ, the average over "
               "its batch, drawn without replacement with the seed."),
        ("code", f"""
OTHERS = {exp.OTHERS}     # (logits, true class) of the seven other examples
Z = np.array([z[0], *(logits for logits, _ in OTHERS)])
y = np.array([label, *(k for _, k in OTHERS)])
chosen = np.random.default_rng(seed).choice(len(y), size=batch_size, replace=False)
in_batch = np.isin(np.arange(len(y)), chosen)
examples = pd.DataFrame({{"example": np.arange(1, len(y) + 1), "true_class": np.array(CLASSES)[y],
                         "p_true": softmax(Z)[np.arange(len(y)), y],
                         "loss": [softmax_cross_entropy(Z[[a]], y[[a]])[0] for a in range(len(y))],
                         "in_batch": in_batch}})
L = float(softmax_cross_entropy(Z, y)[0])
L_B = float(softmax_cross_entropy(Z[in_batch], y[in_batch])[0])
print(f"L = {{L:.4f}}, L(B) = {{L_B:.4f}} over examples {{sorted((chosen + 1).tolist())}}")
examples
"""),
        ("md", "## Cross-entropy = entropy + KL divergence\n\np is the data's distribution, q "
               "the model's. H(p, q) = −Σ pᵢ log qᵢ is the entropy H(p) = −Σ pᵢ log pᵢ, which "
               "the model cannot change, plus KL(p ‖ q) = Σ pᵢ log(pᵢ/qᵢ), how far q is from p: "
               "minimising cross-entropy minimises KL. Terms with pᵢ = 0 count 0."),
        ("code", """
p, q = (np.array(w, dtype=float) / sum(w) for w in ((p1, p2, p3), (q1, q2, q3)))
seen = p > 0
entropy = -np.sum(p[seen] * np.log(p[seen])) + 0.0     # (+ 0.0: a one-hot p gives 0, not −0)
kl = np.sum(p[seen] * np.log(p[seen] / q[seen]))
cross_entropy = -np.sum(p[seen] * np.log(q[seen]))
dists = pd.DataFrame({"outcome": np.arange(1, len(p) + 1), "p": p, "q": q})
numbers = {"softmax-one-example": one, "softmax-batch": examples, "softmax-entropy-kl": dists}
print(f"H(p) = {entropy:.4f} + KL(p‖q) = {kl:.4f} = {entropy + kl:.4f} = H(p, q) = {cross_entropy:.4f}")
"""),
        ("md", "## The figures\n\nThe probabilities and the gradient per class, the eight "
               "losses with L and L(B), and p next to q."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

fig = make_subplots(rows=1, cols=2, subplot_titles=("p = softmax(z)", "∂ℓ/∂z = p − y"))
fig.add_bar(x=one["class"], y=one["p"], name="p", row=1, col=1)
fig.add_bar(x=one["class"], y=one["grad"], name="p − y", row=1, col=2)
fig.update_layout(template="plotly_white", showlegend=False,
                  title=f"True class {true}: loss −log p = {float(loss):.4g}")
fig.show()

fig = go.Figure(go.Bar(x=examples["example"], y=examples["loss"],
                       marker_color=np.where(examples["in_batch"], "crimson", "lightgrey"),
                       text=examples["true_class"], name="ℓᵃ (red: in B)"))
fig.add_hline(y=L, line_dash="solid", annotation_text=f"L = {L:.3f}")
fig.add_hline(y=L_B, line_dash="dash", line_color="crimson", annotation_text=f"L(B) = {L_B:.3f}")
fig.update_layout(template="plotly_white", xaxis_title="example", yaxis_title="loss −log p_k")
fig.show()

fig = go.Figure([go.Bar(x=dists["outcome"], y=dists["p"], name="p"),
                 go.Bar(x=dists["outcome"], y=dists["q"], name="q")])
fig.update_layout(template="plotly_white", xaxis_title="outcome", yaxis_title="probability",
                  title=f"H(p, q) = {cross_entropy:.3f} = H(p) {entropy:.3f} + KL {kl:.3f} (nats)")
fig.show()
"""),
    ]
