"""`rtorch.backends.cudnn`: PyTorch's cuDNN flags as plain settable module attributes,
with PyTorch's defaults; rtorch has no cuDNN, so nothing reads them yet."""

deterministic = False
benchmark = False
enabled = True
allow_tf32 = True


def is_available():
    """is_available() -> bool

    Whether cuDNN can be used: never, in rtorch.
    """
    return False


def version():
    """version() -> int or None

    The cuDNN version: None, as PyTorch gives without cuDNN.
    """
    return
