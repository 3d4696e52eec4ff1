"""One BLAS thread per process, set explicitly by whoever starts the work (app.py, bench, tests).

The app's matrices are tiny (a few dozen units) and one server serves many learners, so BLAS
gets one thread per process: OpenBLAS's threads only add overhead at this size and, on a busy
2-core server, made training 5-15x slower.
"""
import numpy  # noqa: F401  (threadpoolctl can only limit a BLAS library that is already loaded)
from threadpoolctl import threadpool_limits


def one_blas_thread():
    """Limit the BLAS library NumPy loaded to one thread, for the whole process."""
    threadpool_limits(limits=1, user_api="blas")
