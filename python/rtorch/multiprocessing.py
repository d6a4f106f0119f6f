"""`rtorch.multiprocessing`: the standard library's `multiprocessing`, as `torch.multiprocessing`
is a drop-in for it. Tensors cross processes by pickling, i.e. as copies of their data (there
is no shared-memory transfer yet)."""

import multiprocessing as _multiprocessing


def __getattr__(name):
    return getattr(_multiprocessing, name)


def __dir__():
    return dir(_multiprocessing)
