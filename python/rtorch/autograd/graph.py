"""`rtorch.autograd.graph`: the classes of the graph's nodes.

Every `grad_fn` is an instance of a subclass of `Node` named after its backward function
(`MulBackward0`, `AddmmBackward0`…), one object per node for the node's whole life.
"""

from .. import _C

Node = _C.Node
AccumulateGrad = _C.AccumulateGrad

__all__ = ["Node"]
