"""Every binding has a docstring in PyTorch's form (NOTE [ Docstrings ] in
`rust/rtorch-python/src/docs/mod.rs`), its `Example::` blocks run, and its signature is
readable by `inspect`."""

import doctest
import inspect

import pytest
import rtorch
from rtorch import _C


def _public_functions(module):
    return {
        f"{module.__name__}.{name}": obj
        for name, obj in vars(module).items()
        if not name.startswith("_") and callable(obj) and not isinstance(obj, type)
    }


def _bindings():
    found = {}
    for module in (_C, _C._nn, _C._linalg):
        found.update(_public_functions(module))
    for name in dir(rtorch.Tensor):
        obj = getattr(rtorch.Tensor, name)
        if not name.startswith("_") and callable(obj) and not isinstance(obj, type):
            found[f"Tensor.{name}"] = obj
    return found


BINDINGS = _bindings()


def test_every_binding_has_a_docstring_in_pytorch_form():
    # The first line is the call signature: the name (an alias may show its target's,
    # `moveaxis` is `movedim`) and "(".
    bad = []
    for qualname, obj in BINDINGS.items():
        names = {qualname.rsplit(".", 1)[1], getattr(obj, "__name__", "")}
        doc = inspect.getdoc(obj) or ""
        if not any(doc.startswith(n + "(") for n in names if n):
            bad.append(qualname)
    assert not bad, f"no docstring in PyTorch's form: {sorted(bad)}"


def test_text_signatures_are_readable():
    bad = []
    for qualname, obj in BINDINGS.items():
        if getattr(obj, "__text_signature__", None) is None:
            continue
        try:
            inspect.signature(obj)
        except (TypeError, ValueError) as e:
            bad.append(f"{qualname}: {e}")
    assert not bad, bad


def test_most_bindings_have_a_text_signature():
    # Rust bindings get one from pyo3; Python-side methods are plain functions.
    missing = [
        q
        for q, obj in BINDINGS.items()
        if getattr(obj, "__text_signature__", None) is None and not inspect.isfunction(obj)
    ]
    assert not missing, missing


def _examples():
    seen = set()
    for qualname, obj in sorted(BINDINGS.items()):
        doc = obj.__doc__ or ""
        if "Example::" in doc and id(obj) not in seen:
            seen.add(id(obj))
            yield pytest.param(qualname, doc, id=qualname)


@pytest.mark.parametrize(("qualname", "doc"), list(_examples()))
def test_examples_run(qualname, doc):
    # The `>>>` lines of the docstring's Example:: block, with `rtorch` imported; output
    # must be what rtorch prints (the examples use no unseeded random values).
    rtorch.set_printoptions(profile="default")
    example = doc.split("Example::", 1)[1]
    test = doctest.DocTestParser().get_doctest(
        inspect.cleandoc(example), {"rtorch": rtorch}, qualname, None, 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=lambda text: pytest.fail(text))
    assert runner.failures == 0


def test_the_most_used_ops_have_examples():
    wanted = [
        rtorch.add,
        rtorch.sub,
        rtorch.mul,
        rtorch.div,
        rtorch.matmul,
        rtorch.mm,
        rtorch.sum,
        rtorch.mean,
        rtorch.reshape,
        rtorch.Tensor.view,
        rtorch.cat,
        rtorch.stack,
        rtorch.zeros,
        rtorch.ones,
        rtorch.rand,
        rtorch.randn,
        rtorch.arange,
        rtorch.Tensor.backward,
    ]
    missing = [f.__name__ for f in wanted if "Example::" not in (f.__doc__ or "")]
    assert not missing, missing
