"""Speed figures for Gradient Descent Lab: `python -m bench` (see bench/__main__.py).

BLAS runs on one thread, as in the app (app.py calls lab/threads.py): at these sizes threads only add overhead.
"""
import numpy  # noqa: F401  (threadpoolctl can only limit a BLAS library that is already loaded)
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")
