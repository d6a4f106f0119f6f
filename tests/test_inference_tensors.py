"""Inference tensors (NOTE [ Inference tensors ]): which tensors are ones, and what
autograd and in-place writes refuse outside inference mode, with torch as the oracle."""

import pytest
import rtorch

torch = pytest.importorskip("torch")


def made(m):
    """Tensors made in and out of inference mode, by name."""
    normal = m.ones(2, 3)
    with m.inference_mode():
        t = {
            "factory": m.ones(2, 3),
            "op result": normal * 2,
            "clone of normal": normal.clone(),
            "view of normal": normal[0],
        }
        t["view of inference"] = t["factory"][1:]
    t["normal"] = normal
    t["detach of inference"] = t["factory"].detach()
    t["data of inference"] = t["factory"].data
    t["op on inference, outside"] = t["factory"] * 2
    t["view of inference, outside"] = t["factory"].view(6)
    with m.no_grad():
        t["no_grad"] = m.ones(2)
    with m.inference_mode(False):
        t["inference_mode(False)"] = m.ones(2)
    return t


def test_which_tensors_are_inference_tensors():
    ours, theirs = made(rtorch), made(torch)
    got = {k: v.is_inference() for k, v in ours.items()}
    want = {k: v.is_inference() for k, v in theirs.items()}
    assert got == want
    assert rtorch.is_inference(ours["factory"]) is True


def error_of(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None


WRITES = {
    "add_": lambda m, x: x.add_(1),
    "mul_": lambda m, x: x.mul_(2),
    "zero_": lambda m, x: x.zero_(),
    "fill_": lambda m, x: x.fill_(3),
    "copy_": lambda m, x: x.copy_(m.ones(2, 3)),
    "setitem": lambda m, x: x.__setitem__(0, 5.0),
    "out=": lambda m, x: m.add(m.ones(2, 3), 1, out=x),
    "uniform_": lambda m, x: x.uniform_(),
    "view add_": lambda m, x: x[0].add_(1),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_in_place_writes_to_an_inference_tensor(name):
    write = WRITES[name]
    for m in (rtorch, torch):
        with m.inference_mode():
            x = m.zeros(2, 3)
            write(m, x)  # allowed inside
    results = []
    for m in (rtorch, torch):
        with m.inference_mode():
            x = m.zeros(2, 3)
        results.append(error_of(lambda m=m, x=x: write(m, x)))
    assert results[0] == results[1]
    assert results[1] is not None and results[1][0] == "RuntimeError"


def test_a_view_of_a_normal_tensor_made_in_inference_mode_can_be_written():
    for m in (rtorch, torch):
        base = m.zeros(3)
        with m.inference_mode():
            v = base[1:]
        v.add_(1)
        assert base.tolist() == [0.0, 1.0, 1.0]


USES = {
    # Nodes that save the inference tensor refuse it; those that do not accept it.
    "mul": lambda m, y, x: y * x,
    "add": lambda m, y, x: y + x,
    "mm": lambda m, y, x: y.reshape(3, 2).mm(x.reshape(2, 3)),
    "linear": lambda m, y, x: m._C._nn.linear(x.reshape(2, 3), y.reshape(2, 3)),
    "sum": lambda m, y, x: y.sum() + x.sum(),
    "exp": lambda m, y, x: (y + x).exp(),
    "where": lambda m, y, x: m.where(x > 0, y, 0.0),
    "clamp": lambda m, y, x: y.clamp(min=x),
    "addcmul": lambda m, y, x: y.addcmul(x, y),
}


@pytest.mark.parametrize("name", list(USES))
def test_saving_an_inference_tensor_for_backward(name):
    results = []
    for m in (rtorch, torch):
        with m.inference_mode():
            x = m.ones(6)
        y = m.ones(6, requires_grad=True)
        results.append(error_of(lambda m=m, y=y, x=x: USES[name](m, y, x)))
    assert results[0] == results[1]


def test_requires_grad_on_an_inference_tensor():
    results = []
    for m in (rtorch, torch):
        with m.inference_mode():
            x = m.ones(3)
            inside = m.ones(3).requires_grad_()
            assert inside.requires_grad
        results.append(error_of(lambda x=x: x.requires_grad_()))
        # Turning it off is always allowed.
        x.requires_grad_(False)
    assert results[0] == results[1]
    assert results[1][0] == "RuntimeError"


def test_a_clone_outside_inference_mode_is_a_normal_tensor_again():
    with rtorch.inference_mode():
        x = rtorch.ones(3)
    y = rtorch.ones(3, requires_grad=True)
    z = x.clone()
    assert not z.is_inference()
    (y * z).sum().backward()
    assert y.grad.tolist() == [1.0, 1.0, 1.0]
