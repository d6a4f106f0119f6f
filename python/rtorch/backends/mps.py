"""`rtorch.backends.mps`: Apple's Metal backend, which rtorch does not have."""


def is_available():
    """is_available() -> bool

    Whether the MPS device can be used: never, in rtorch.
    """
    return False


def is_built():
    """is_built() -> bool

    Whether rtorch was built with MPS: never.
    """
    return False
