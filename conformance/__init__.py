"""tensor-conformance: where torch tensors behave like NumPy (CPU) and CuPy (CUDA), and where not."""

__version__ = "0.1.0"
