"""Heavy engine calls release the GIL (NOTE [ Releasing the GIL ] in run.rs): while one
runs in a thread, another Python thread keeps running."""

import sys
import threading
import time

import pytest
import rtorch

N = 1 << 23  # 8M elements: far above the threshold, tens of ms of work per op


@pytest.fixture(scope="module")
def big():
    # NOTE: one engine thread leaves the second core to the counter. With both cores
    # busy in the kernel (sub-millisecond runs since the SIMD work) the counter thread
    # could go unscheduled for a whole run although the GIL was free, a flaky failure.
    threads = rtorch.get_num_threads()
    rtorch.set_num_threads(1)
    x = rtorch.rand(N)
    y = rtorch.rand(N)
    a = rtorch.rand(1024, 1024)
    yield x, y, a
    rtorch.set_num_threads(threads)


OPS = {
    "sub": lambda x, y, a: x - y,
    "sub_method": lambda x, y, a: x.sub(y),
    "rsub": lambda x, y, a: 1.0 - x,
    "isub": lambda x, y, a: x.__isub__(y),
    "mul": lambda x, y, a: x * y,
    "sum": lambda x, y, a: x.sum(),
    "cumsum": lambda x, y, a: x.cumsum(0),
    "var": lambda x, y, a: x.var(),
    "mm": lambda x, y, a: a.mm(a),
    "cat": lambda x, y, a: rtorch.cat([x, y]),
    "stack": lambda x, y, a: rtorch.stack([x, y]),
    "clone": lambda x, y, a: x.clone(),
    "double": lambda x, y, a: x.double(),
    "exp": lambda x, y, a: x.exp(),
    "clamp": lambda x, y, a: x.clamp(0.1, 0.9),
    "zeros": lambda x, y, a: rtorch.zeros(N),
    "randn": lambda x, y, a: rtorch.randn(N),
    "arange": lambda x, y, a: rtorch.arange(N),
    "linspace": lambda x, y, a: rtorch.linspace(0, 1, N),
    "eye": lambda x, y, a: rtorch.eye(4096),
    "randint": lambda x, y, a: rtorch.randint(10, (N,)),
    "randperm": lambda x, y, a: rtorch.randperm(N),
    "bernoulli": lambda x, y, a: rtorch.bernoulli(y),  # x is changed by isub
    "uniform_": lambda x, y, a: x.clone().uniform_(),
    "norm": lambda x, y, a: x.norm(),
    "all": lambda x, y, a: x.all(),
    "max_dim": lambda x, y, a: a.max(0),
    "nonzero": lambda x, y, a: x.nonzero(),
    "bool_index": lambda x, y, a: x[True],
    "out": lambda x, y, a: rtorch.add(x, y, out=rtorch.empty(N)),
}


@pytest.mark.parametrize("name", OPS)
def test_op_lets_other_threads_run(big, name):
    op = OPS[name]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        ticks = []
        stop = threading.Event()

        def counter():
            while not stop.is_set():
                ticks.append(time.perf_counter())

        t = threading.Thread(target=counter)
        t.start()
        while not ticks:  # the counter is running before the op starts
            time.sleep(1e-4)
        # Only the middle half of the op's run counts: with the GIL held the counter
        # can take a switch interval (0.1 ms) at either edge, while the Python part of the
        # call runs, but never during the Rust kernel (milliseconds here); released, it
        # ticks all along. Repeats rule out a thread that was simply not scheduled.
        inside = 0
        for _ in range(20):
            if inside:
                break
            start = time.perf_counter()
            op(*big)
            end = time.perf_counter()
            q = (end - start) / 4
            inside += sum(start + q < s < end - q for s in list(ticks))
        stop.set()
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert inside > 0, f"{name} held the GIL for its whole run"
