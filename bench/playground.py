"""The Playground (issue 16): its default figure's build time and payload, and going on for one
more epoch with a new η.

Build: experiments.playground.run() (2-16-16-2 on the spirals, 200 epochs, Adam) and
viz.playground.training's figure as JSON, what the page sends to the browser. Continue: the
page's rerun with "then go on for 1 epoch with η = 0.0003" (the whole run again: the
experiment is a pure function of its settings), against one epoch resumed from the stored
checkpoint alone (experiments.playground.resume), the part that goes on from where it stopped.
"""
import numpy as np

from bench.harness import Result, best_time
from experiments import playground as exp
from nnlib import data, optim
from nnlib.model import MLP
from viz import playground as draw

BUILD_BUDGET_S, PAYLOAD_BUDGET_MB, RESUME_BUDGET_S = 1.0, 2.0, 0.05   # issue 16: payload < 2 MB


def bench_playground_default():
    build = best_time(lambda: draw.training(exp.run()).to_json(), repeat=3)
    megabytes = len(draw.training(exp.run()).to_json()) / 1e6
    rerun = best_time(lambda: exp.run(then=((1, 0.0003),)), repeat=3)
    checkpoint = exp.run()["checkpoint"]
    X, y, _, _ = exp.load("classification", "spirals", 300, 0.05, 2, seed=0)
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=0.25, seed=0)
    train, val = (data.add_features(Xt, ("x", "y")), yt), (data.add_features(Xv, ("x", "y")), yv)

    def resume():
        exp.resume(checkpoint, MLP([2, 16, 16, 2]), optim.get("adam"), train, val, 16, 1,
                   0.0003)
    one = best_time(resume, repeat=5)
    return [Result("playground default: run + figure JSON (2-16-16-2, 200 epochs)", build, "s",
                   f"< {BUILD_BUDGET_S:g} s", ok=build < BUILD_BUDGET_S),
            Result("playground default: figure payload", megabytes, "MB",
                   f"< {PAYLOAD_BUDGET_MB:g} MB", ok=megabytes < PAYLOAD_BUDGET_MB),
            Result("playground: 1 more epoch with a new η, resumed from the checkpoint "
                   "(ref: the page's whole rerun)", one, "s", f"< {RESUME_BUDGET_S:g} s",
                   reference=rerun, ok=one < RESUME_BUDGET_S)]


BENCHES = [bench_playground_default]
