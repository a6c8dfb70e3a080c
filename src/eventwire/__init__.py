"""eventwire: read news like a conflict analyst; emit sourced, geocoded event records."""

import os

__version__ = "0.1.0"

# One BLAS thread for numpy (the sentence encoder's matmuls) unless the user says otherwise: OpenBLAS's
# spinning worker threads cost far more than they gain on a busy 2-core machine (measured: one sentence
# 0.68 s with 2 threads vs 0.03 s with 1; 60 snippets 7.4 s vs 5.4 s), and batch runs already use one
# process per core. Takes effect only when eventwire is imported before numpy (the CLI always is).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
