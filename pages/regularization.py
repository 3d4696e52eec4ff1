"""Early stopping & dropout: train vs validation curves, the saved checkpoint, dropout's effect."""
import streamlit as st

from experiments import regularization as exp
from experiments.epochs import too_few_epochs
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import regularization as draw

TABLE = [
    Setting("n_train", "training points", "int", 80, low=20, high=400, step=10, group="Data"),
    Setting("noise", "noise", "float", 0.3, low=0.0, high=0.6, step=0.05, group="Data"),
    Setting("width", "units per hidden layer (2 layers)", "int", 128, low=8, high=128, step=8,
            group="Network and training"),
    Setting("dropout", "dropout p", "float", 0.0, low=0.0, high=0.8, step=0.1,
            group="Network and training", help="Each hidden unit is switched off with probability "
                                               "p in every training step (never when evaluating)."),
    Setting("lr", "learning rate η (Adam)", "log", 0.01, low=1e-4, high=0.3,
            group="Network and training"),
    Setting("epochs", "epochs", "int", 200, low=20, high=400, step=10, group="Network and training"),
    seed(default=9, group="Network and training"),
    Setting("early_stopping", "stop early (EarlyStopping)", "bool", True, group="EarlyStopping (Keras)"),
    Setting("monitor", "watch (monitor)", "choice", "val_loss", options=("val_loss", "val_acc"),
            labels={"val_loss": "validation loss (val_loss)", "val_acc": "validation accuracy (val_acc)"},
            group="EarlyStopping (Keras)"),
    Setting("min_delta", "smallest gain that counts (min_delta)", "float", 0.0, low=0.0, high=0.2, step=0.005,
            group="EarlyStopping (Keras)",
            help="An epoch only counts as an improvement if it beats the best by more than this."),
    Setting("patience", "patience (epochs without improvement)", "int", 10, low=0, high=50, group="EarlyStopping (Keras)",
            help="Epochs without improvement to wait before stopping."),
    Setting("restore_best_weights", "keep the best epoch (restore_best_weights)", "bool", True,
            group="EarlyStopping (Keras)",
            help="At the end, put back the weights of the best epoch (the checkpoint)."),
    Setting("start_from_epoch", "epochs before watching (start_from_epoch)", "int", 0, low=0, high=100,
            group="EarlyStopping (Keras)", help="Epochs of warm-up that are not monitored."),
]
PRESETS = {
    "No early stopping": {
        "values": {"early_stopping": False},
        "question": "The network trains for all 200 epochs. What does the validation loss do "
                    "once the training loss is close to 0?"},
    "Patience 10, restore best": {"values": {"patience": 10, "restore_best_weights": True}},
    "Dropout 0.5": {
        "values": {"dropout": 0.5, "early_stopping": False},
        "question": "Half of the hidden units are switched off at random in every step. Will the "
                    "gap between training and validation loss grow or shrink?"},
    "Patience 1": {
        "values": {"patience": 1},
        "question": "With patience 1, training stops at the first epoch that does not improve. "
                    "Is the model you get the best one?"},
}
run = cached(exp.run)
dropout_gaps = cached(exp.dropout_gaps)


def page():
    lesson("Early stopping & dropout",
           "Watch the **training** loss keep falling while the **validation** loss, measured on "
           "points the network never trains on, turns round and climbs. A network with 128 + 128 "
           "hidden units is far too large for 80 noisy points: it can learn the noise itself. Early stopping "
           "keeps the parameters of the best validation epoch (the checkpoint) and stops once "
           "`patience` epochs brought nothing better; dropout makes memorising harder.",
           formula=[r"\text{improvement at epoch } e:\quad L_{\text{val}}(e) < "
                    r"\min_{e' < e} L_{\text{val}}(e') - \texttt{min\_delta}",
                    r"\text{dropout: } \tilde a = \frac{m \odot a}{1 - p}, \qquad "
                    r"m_j \sim \text{Bernoulli}(1 - p)"],
           try_this=["Pick *No early stopping*: the validation loss ends 2 to 6 times its minimum "
                     "(10 of 10 seeds).",
                     "Compare the two maps: the last epoch bends around single noisy points.",
                     "Pick *Patience 1* and compare the kept epoch with the lowest point of the "
                     "validation curve over all 200 epochs.",
                     "Turn off restore_best_weights: you keep the epoch where patience ran out.",
                     "Raise dropout p: the gap bars usually shrink (p = 0.5 below p = 0 in 9 of 10 "
                     "seeds, steadily from 0 to 0.2 to 0.5 in 7 of 10).",
                     "Give it 400 training points: the gap usually shrinks without any trick "
                     "(9 of 10 seeds)."])
    s = settings_panel(TABLE, PRESETS)
    data = {k: s[k] for k in ("n_train", "noise", "width", "lr", "epochs", "seed")}

    others = tuple(p for p in exp.GAP_PS if p != s["dropout"])   # yours comes from the run itself
    with friendly(), progress():
        exp.check_work(1 + len(others), s["n_train"], s["epochs"], s["width"])
        result = run(**data, **{k: v for k, v in s.items() if k not in data})
        gap_table = exp.with_gap(dropout_gaps(others, **data), result, s["dropout"])

    if warning := too_few_epochs(result["curves"]["val_loss"]):
        st.warning(warning)
    metric = "acc" if s["early_stopping"] and s["monitor"] == "val_acc" else "loss"
    table = result["curves"]
    show_figure(lambda: draw.curves(result, metric, s["start_from_epoch"] if s["early_stopping"] else 0),
                "regularization-curves", data=table, settings=s,
                describe=exp.describe_curves(result, metric))
    st.markdown(exp.verdict(result, monitor=s["monitor"]))

    st.header("The kept model vs the last epoch")
    kept = result["kept_epoch"] if s["early_stopping"] else result["lowest_epoch"]
    left = (f"kept model<br>epoch {kept}" if s["early_stopping"]   # short lines: a phone's panels
            else f"lowest validation<br>loss: epoch {kept}")
    st.markdown("Background: the network's probability of class 1 (vermillion); dots: the training "
                "points. Press ▶ under the right map to watch the boundary form and then chase the noise.")
    show_figure(lambda: draw.boundaries(result, left), "regularization-boundaries", data=result["points"],
                settings=s, describe=exp.describe_boundaries(result))

    st.header("Dropout usually narrows the gap")
    st.markdown(f"The same network trained for all {s['epochs']} epochs without early stopping, for "
                "several dropout probabilities (yours in orange). The gap between validation and "
                "training loss at the end measures how much the network memorised.")
    show_figure(lambda: draw.gaps(gap_table, s["dropout"]), "regularization-gaps", data=gap_table, settings=s,
                describe=exp.describe_gaps(gap_table, s["dropout"]))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
