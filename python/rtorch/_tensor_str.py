"""Format tensors exactly the way PyTorch's ``repr(tensor)`` does.

The tensor is duck-typed so the formatter works on rtorch tensors and on real
PyTorch tensors alike (the tests use the latter as an oracle).  Only the
elements that end up on screen are copied out of the tensor, so printing a
tensor with millions of elements costs a handful of small slices.
"""

import contextlib
import math

import numpy as np

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_opts = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Same contract as ``torch.set_printoptions``."""
    if profile is not None:
        # PyTorch silently ignores profile names it does not know.
        _opts.update(_PROFILES.get(profile, {}))
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    _opts.update({k: v for k, v in given.items() if v is not None})
    # Unlike the other options, sci_mode is reset to automatic when omitted.
    _opts["sci_mode"] = sci_mode


def get_printoptions():
    """Current options, usable as ``set_printoptions(**get_printoptions())``."""
    keys = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")
    return {k: _opts[k] for k in keys}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _default_dtype_repr():
    # Imported lazily: the package imports this module, and the tests load this
    # file on its own, outside any package.
    try:
        from . import get_default_dtype

        return repr(get_default_dtype())
    except ImportError:
        return "torch.float32"


def _kind(dtype):
    if getattr(dtype, "is_complex", False):
        return "complex"
    if dtype.is_floating_point:
        return "float"
    if repr(dtype) == "torch.bool":
        return "bool"
    return "int"


def _to_numpy(x, kind):
    x = x.cpu()
    # Conjugate/negative views cannot be exported to numpy as they are.
    for name in ("resolve_conj", "resolve_neg"):
        resolve = getattr(x, name, None)
        if resolve is not None:
            x = resolve()
    # float64 holds every float16/bfloat16/float32 value exactly, so widths and
    # digits come out as PyTorch computes them from Python floats.
    if kind == "float":
        x = x.double()
    elif kind == "int":
        x = x.long()
    return np.asarray(x.numpy())


def _gather(t, shape, cut, edge, kind):
    """The printed elements only: the first and last `edge` along each cut dim."""
    cut_dims = [d for d, c in enumerate(cut) if c]
    if not cut_dims:
        return _to_numpy(t, kind)

    def collect(index, d):
        if d > cut_dims[-1]:
            return _to_numpy(t[tuple(index)], kind)
        if not cut[d]:
            return collect(index + [slice(None)], d + 1)
        n = shape[d]
        halves = [slice(0, edge), slice(n - edge, n)]
        return np.concatenate([collect(index + [h], d + 1) for h in halves], axis=d)

    return collect([], 0)


class _Formatter:
    """Chooses one notation and column width for all printed values."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            if values.size:
                self.width = max(len(str(v)) for v in np.unique(values).tolist())
            return
        shown = values[np.isfinite(values) & (values != 0)]
        # With only zeros, nan and inf PyTorch keeps the defaults: "0." style.
        if shown.size == 0:
            return
        magnitudes = np.abs(shown)
        low, high = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _opts["sci_mode"] is None:
            self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        else:
            self.sci_mode = _opts["sci_mode"]
        # nan/inf never widen the column; the trailing "." of int mode does.
        extra = 1 if self.int_mode and not self.sci_mode else 0
        lengths = (len(self._digits(v)) for v in np.unique(shown).tolist())
        self.width = max(lengths) + extra

    def _digits(self, value):
        precision = _opts["precision"]
        if self.sci_mode:
            return f"{value:.{precision}e}"
        if self.int_mode:
            return f"{value:.0f}"
        return f"{value:.{precision}f}"

    def format(self, value):
        if not self.floating:
            text = str(value)
        else:
            text = self._digits(value)
            if self.int_mode and not self.sci_mode and math.isfinite(value):
                text += "."
        return text.rjust(self.width)


def _body(t, indent):
    """The bracketed values, without the ``tensor(`` prefix or suffixes."""
    shape = tuple(int(n) for n in t.shape)
    dim = len(shape)
    edge = _opts["edgeitems"]
    summarize = t.numel() > _opts["threshold"]
    if summarize and not edge and dim:
        return "[...]"
    cut = [summarize and n > 2 * edge for n in shape]
    kind = _kind(t.dtype)
    data = _gather(t, shape, cut, edge, kind)

    if kind == "complex":
        real = _Formatter(data.real.ravel(), True)
        imag = _Formatter(data.imag.ravel(), True)
        item_width = real.width + 2 + imag.width + 1

        def fmt(value):
            im = (imag.format(value.imag) + "j").lstrip()
            # A sign already separates the parts; otherwise add "+".
            joiner = "" if im[0] in "+-" else "+"
            return real.format(value.real) + joiner + im
    else:
        formatter = _Formatter(data.ravel(), kind == "float")
        item_width = formatter.width + 2
        fmt = formatter.format

    if dim == 0:
        return fmt(data.item())

    def vector(values, indent):
        items = [fmt(v) for v in values]
        if cut[-1]:
            items[edge:edge] = [" ..."]
        per_line = max(1, math.floor((_opts["linewidth"] - indent) / item_width))
        rows = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(rows) + "]"

    def nested(values, d, indent):
        if d == dim - 1:
            return vector(values, indent)
        parts = [nested(v, d + 1, indent + 1) for v in values]
        if cut[d]:
            parts[edge:edge] = ["..."]
        # Blocks of higher rank are set apart by more blank lines.
        sep = "," + "\n" * (dim - d - 1) + " " * (indent + 1)
        return "[" + sep.join(parts) + "]"

    return nested(data.tolist(), 0, indent)


def _add_suffixes(text, suffixes, indent):
    # PyTorch over-counts the last line by two characters; keep that so
    # suffixes wrap at exactly the same place.
    line_len = len(text) - text.rfind("\n") + 1
    pieces = [text]
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _opts["linewidth"]:
            pieces.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line_len += len(suffix) + 2
    return "".join(pieces) + ")"


def tensor_repr(t):
    """``repr(t)`` / ``str(t)`` as PyTorch prints it."""
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")

    dtype = repr(t.dtype)
    default = _default_dtype_repr()
    size = "size=" + str(tuple(int(n) for n in t.shape))
    if t.numel() == 0:
        # numpy-style: the shape is implied only for a 1-d empty tensor.
        if t.dim() != 1:
            suffixes.append(size)
        # No values to infer an integer dtype from, so even int64 is named.
        if dtype != default:
            suffixes.append("dtype=" + dtype)
        body = "[]"
    else:
        if not _opts["edgeitems"]:
            suffixes.append(size)
        default_complex = "torch.complex128" if default == "torch.float64" else "torch.complex64"
        if dtype not in (default, default_complex, "torch.int64", "torch.bool"):
            suffixes.append("dtype=" + dtype)
        body = _body(t.detach(), indent)

    grad_fn = t.grad_fn
    if grad_fn is not None:
        name = grad_fn.name().rsplit("::", 1)[-1]
        suffixes.append(f"grad_fn=<{name}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + body, suffixes, indent)
