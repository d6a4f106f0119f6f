"""`rtorch.backends`: the backend switches PyTorch scripts set (`cudnn`, `mps`). rtorch
runs on the CPU, so they are plain settings with PyTorch's defaults and every
`is_available()` is False."""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
