"""`rtorch.accelerator`: PyTorch's device-agnostic accelerator API, as on a CPU-only build
of PyTorch (the CPU is not an accelerator)."""

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available():
    """is_available() -> bool

    Whether an accelerator (CUDA, MPS…) can be used: False, as on a CPU-only PyTorch.
    """
    return False


def current_accelerator(check_available=False):
    """current_accelerator(check_available=False) -> device or None

    The accelerator this build would use: None, since there is none.
    """
    return


def device_count():
    """device_count() -> int

    The number of accelerator devices: 0.
    """
    return 0
