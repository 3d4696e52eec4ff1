"""The API reference docs/nnlib.md, generated from nnlib's docstrings and signatures.

    python -m nnlib._apidoc            # print it
    python -m nnlib._apidoc --write    # rewrite docs/nnlib.md (tests/test_package.py checks it is current)

Per module: its docstring's first paragraph, then every public class and function with its
signature and the first paragraph of its docstring (classes also list their public methods).
"""
import importlib
import inspect
import sys
from pathlib import Path

MODULES = ("model", "optim", "schedules", "train", "init", "activations", "losses", "data",
           "landscape", "surfaces", "trap", "lr_finder", "gradcheck")
TARGET = Path(__file__).resolve().parent.parent / "docs" / "nnlib.md"
INTRO = """# nnlib API reference

`nnlib` is Gradient Descent Lab's training core: NumPy only, names and defaults from
torch.optim and Keras. Install it alone from the project folder with `pip install .`
(`pip install -e .` to edit it); `python -m nnlib --version` prints its version.

```python
from nnlib import MLP, data, optim, schedules
from nnlib.train import fit

X, y = data.make_moons(200, noise=0.2, seed=0)
model = MLP([2, 16, 16, 2], activation="relu", init="he_normal", seed=0)
opt = optim.SGD(lr=0.3, momentum=0.9)
sched = schedules.CosineAnnealingLR(opt, T_max=7 * 40)
hist = fit(model, X, y, opt, batch_size=32, epochs=40, schedule=sched, seed=0)
hist.epochs["train_loss"][-1]
```

This page is generated from the docstrings by `python -m nnlib._apidoc --write`; do not edit it
by hand.
"""


def paragraph(obj):
    """The first paragraph of obj's docstring, on one line."""
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def signature(obj):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def public(module):
    """Public classes and functions defined in `module`, in source order."""
    return [(name, obj) for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
            and obj.__module__ == module.__name__]


def methods(cls):
    return [(name, obj) for name, obj in vars(cls).items()
            if not name.startswith("_") and inspect.isfunction(obj)]


def module_section(name):
    module = importlib.import_module(f"nnlib.{name}")
    lines = [f"## nnlib.{name}", "", paragraph(module), ""]
    for item, obj in public(module):
        kind = "class" if inspect.isclass(obj) else "def"
        lines += [f"### `{kind} {item}{signature(obj)}`", "", paragraph(obj), ""]
        if inspect.isclass(obj):
            lines += [f"- `{m}{signature(f)}`: {paragraph(f)}".rstrip(": ") for m, f in methods(obj)]
            lines += [""] if methods(obj) else []
    return lines


def reference():
    """The whole page as one string."""
    return "\n".join([INTRO, *(line for name in MODULES for line in module_section(name))]).rstrip() + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        TARGET.write_text(reference(), encoding="utf-8")
    else:
        print(reference(), end="")
