"""Execute one notebook file top to bottom in a fresh kernel, in its own folder, and save it
beside as executed.ipynb:  python -m tests.notebook_kernel FOLDER/notebook.ipynb

A process of its own, so that the notebook tests can run two notebooks at once on two cores
while the test process builds the next page's downloads.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    """Run the notebook at `path` with its folder as working directory; write executed.ipynb."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path.parent / "executed.ipynb")


if __name__ == "__main__":
    execute(Path(sys.argv[1]))
