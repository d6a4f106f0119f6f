"""`rtorch.cuda`: device queries. The driver is probed at run time (no CUDA toolkit is needed
to build rtorch); CUDA kernels themselves are a later milestone."""

from .. import _C


def is_available():
    return _C.cuda_is_available()


def device_count():
    return _C.cuda_device_count()


def _no_cuda():
    raise RuntimeError(
        "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and "
        "installed a driver from http://www.nvidia.com/Download/index.aspx"
    )


def current_device():
    if not is_available():
        _no_cuda()
    return 0


def synchronize(device=None):
    if not is_available():
        _no_cuda()


def manual_seed(seed):
    # No CUDA generators yet; seeding is a no-op, as in PyTorch without a GPU.
    pass


def manual_seed_all(seed):
    pass
