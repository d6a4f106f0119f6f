"""einsum: parsing (equation string, sublists, one operand list) and the contraction.

NOTE [ einsum layout ]:
einsum's result strides are part of what torch returns (a caller may `.view` it), so the
contraction is built from the same pieces, in the same order, as PyTorch's:

1. Every label gets a place in one common dim order: the output's dims first (as written;
   implicit output is the ellipsis then the labels seen once, alphabetically, upper case
   first), then the ellipsis dims when the output drops them, then the summed labels in
   alphabetical order.
2. Each operand takes its diagonals (a repeated label: `diagonal` then `movedim` of the
   new dim back to the first occurrence), gains a size-1 dim (`unsqueeze`, at the end) for
   each label it lacks, and is `permute`d into the common order.
3. Operands are contracted left to right. Before each pair, a summed dim that only one of
   them still has at size > 1 (and no later operand has) is summed there (`keepdim`). The
   pair is `mul` when no dim is summed between them, else `_pair`: one `bmm` of
   [shared, left-only, summed] @ [shared, summed, right-only], `view`ed and `permute`d
   back into the common order with the summed dims kept as size 1.
4. With several operands the summed (now size-1) dims are dropped by a `view`; a single
   operand is `sum`med over them.

In `_pair` the left-only dims become the bmm result's rows, so they are its outer dims in
memory. When every right-only dim comes before every left-only dim in the common order
(as in 'ij,jk->ki'), torch 2.x swaps the two sides so the result's outer dims are the ones
the output lists first: 'ij,jk->ki' is then contiguous. A dim of size 1 on both sides
counts as right-only there. This rule was read off torch 2.13's strides over thousands of
random equations (tests/test_einsum_layout.py keeps checking it).
"""

import operator

from ._C import Tensor

__all__ = ["einsum"]

_USAGE = (
    "einsum(): must specify the equation string and at least one operand, or at least one "
    "operand and its subscripts list"
)


def _terms(equation, operands):
    """(input terms, output term or None): each term a list of labels, '...' one item."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")

    def parse(term, what):
        labels, i = [], 0
        while i < len(term):
            c = term[i]
            if c == ".":
                if term[i : i + 3] != "..." or "..." in labels:
                    raise RuntimeError(
                        f"einsum(): found '.' for {what} that is not part of any ellipsis"
                    )
                labels.append("...")
                i += 3
                continue
            if not c.isalpha() or not c.isascii():
                raise RuntimeError(
                    f"einsum(): invalid subscript given at index {i} in the equation string, "
                    "subscripts must be in [a-zA-Z]"
                )
            labels.append(c)
            i += 1
        return labels

    terms = lhs.split(",")
    if len(operands) > len(terms):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if len(operands) < len(terms):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    ins = [parse(t, f"operand {i}") for i, t in enumerate(terms)]
    out = parse(rhs, "the output") if arrow else None
    return ins, out


def _sublist_term(sublist):
    """One sublist as equation text: 0-25 are 'A'-'Z', 26-51 'a'-'z', Ellipsis '...'."""
    if isinstance(sublist, Tensor):
        # An odd operand count makes a tensor the output sublist; PyTorch fails on
        # its truth value here too.
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")  # noqa: TRY004
    term = []
    for s in sublist:
        if s is Ellipsis:
            term.append("...")
            continue
        n = operator.index(s)
        if not 0 <= n < 52:
            raise ValueError(
                "einsum(): subscript in subscript list is not within the valid range [0, 52)"
            )
        term.append(chr(ord("A") + n) if n < 26 else chr(ord("a") + n - 26))
    return "".join(term)


def _arguments(args):
    """(equation, operands) from either calling form."""
    if len(args) < 2:
        raise ValueError(_USAGE)
    if isinstance(args[0], Tensor):
        equation = ",".join(_sublist_term(s) for s in args[1::2])
        if len(args) % 2:
            equation += "->" + _sublist_term(args[-1])
            operands = args[:-1:2]
        else:
            operands = args[::2]
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(
                f"einsum(): expected Tensor as element {i} of the operands, but got "
                f"{type(op).__name__}"
            )
    return equation, operands


def einsum(*args):
    """einsum(equation, *operands) -> Tensor

    Sums the product of the operands over the subscripts the equation leaves out, in
    Einstein notation: ``'ij,jk->ik'`` is a matrix product, ``'ii->i'`` a diagonal,
    ``'...ij->...ji'`` a batched transpose. Without ``->`` the output is the ellipsis
    dims then the subscripts seen once, in alphabetical order. The operands may be given
    as one list. Operands are contracted left to right, each pair by one ``bmm`` (or a
    ``mul`` when the pair shares no summed subscript).

    The sublist form ``einsum(op1, sublist1, op2, sublist2, ..., [out_sublist])`` names
    each dim by an integer in [0, 52) (or ``Ellipsis``) and is the same equation spelled
    in letters: ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` is ``einsum('AB,BC->AC', a, b)``.
    """
    equation, operands = _arguments(args)
    ins, out = _terms(equation, operands)

    # Ellipsis dims become ('...', k) labels aligned to the right, so they broadcast like
    # NumPy's trailing dims.
    ell = 0
    for i, (term, op) in enumerate(zip(ins, operands)):
        named = len([lab for lab in term if lab != "..."])
        if "..." in term:
            ell = max(ell, op.dim() - named)
            if op.dim() < named:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({named}) is more than "
                    f"the number of dimensions ({op.dim()}) for operand {i}"
                )
        elif op.dim() != named:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match "
                f"the number of dimensions ({op.dim()}) for operand {i} and no ellipsis was given"
            )
    ell_labels = [("...", k) for k in range(ell)]
    labels = []
    for term, op in zip(ins, operands):
        labs = []
        for lab in term:
            if lab == "...":
                labs.extend(ell_labels[ell - (op.dim() - (len(term) - 1)) :])
            else:
                labs.append(lab)
        labels.append(labs)

    counts = {}
    for term in ins:
        for lab in term:
            counts[lab] = counts.get(lab, 0) + 1
    if out is None:
        # Counted in the equation as written: a label repeated within one operand is
        # summed too ('ii' is the trace).
        out_labels = ell_labels + sorted(
            lab for lab, c in counts.items() if c == 1 and lab != "..."
        )
    else:
        out_labels = []
        for lab in out:
            if lab == "...":
                out_labels.extend(ell_labels)
                continue
            if lab in out_labels:
                raise RuntimeError(
                    f"einsum(): output subscript {lab} appears more than once in the output"
                )
            if lab not in counts:
                raise RuntimeError(
                    f"einsum(): output subscript {lab} does not appear in the equation for any "
                    "input operand"
                )
            out_labels.append(lab)
    # The common dim order of NOTE [ einsum layout ], step 1.
    order = list(out_labels)
    order += [lab for lab in ell_labels if lab not in out_labels]
    order += sorted(lab for lab in counts if lab != "..." and lab not in out_labels)
    place = {lab: d for d, lab in enumerate(order)}

    sizes = dict.fromkeys(order, 1)
    wide = [0] * len(order)  # how many operands have each common dim at size != 1
    aligned = [
        _align(op, labs, i, place, sizes, wide)
        for i, (op, labs) in enumerate(zip(operands, labels))
    ]
    n_out = len(out_labels)
    result = aligned[0]
    for k in range(1, len(aligned)):
        result = _step(result, aligned[k], n_out, wide)
    if len(order) == n_out:
        return result
    if len(aligned) > 1:
        return result.view(list(result.shape[:n_out]))
    return result.sum(list(range(n_out, len(order))))


def _align(op, labs, i, place, sizes, wide):
    """NOTE [ einsum layout ] step 2 for operand i (dims labelled `labs`); checks sizes
    against the other operands' (`sizes`) and counts its wide dims into `wide`."""
    at = {}  # label -> the operand's dim holding it
    dim = 0
    for lab in labs:
        s = op.shape[dim]
        if lab in at:
            prev = op.shape[at[lab]]
            if s != prev:
                raise RuntimeError(
                    f"einsum(): subscript {lab} is repeated for operand {i} but the sizes "
                    f"don't match, {s} != {prev}"
                )
            op = op.diagonal(0, at[lab], dim).movedim(-1, at[lab])
            continue
        if s != 1:
            seen = sizes[lab]
            if seen != 1 and seen != s:
                if isinstance(lab, tuple):
                    raise RuntimeError(
                        f"einsum(): dimension {dim} covered by ellipsis in operand {i}has size "
                        f"{s} which does not broadcast with previously seen ellipsis with size "
                        f"{seen} for the respective dimension"
                    )
                raise RuntimeError(
                    f"einsum(): subscript {lab} has size {s} for operand {i} which does not "
                    f"broadcast with previously seen size {seen}"
                )
            sizes[lab] = s
            wide[place[lab]] += 1
        at[lab] = dim
        dim += 1
    perm = []
    for lab in place:
        if lab not in at:
            op = op.unsqueeze(dim)
            at[lab] = dim
            dim += 1
        perm.append(at[lab])
    return op.permute(perm)


def _step(a, b, n_out, wide):
    """NOTE [ einsum layout ] step 3: contract the aligned operands a and b. `wide` counts
    the operands not yet contracted that have each dim at size != 1."""
    summed, a_sums, b_sums = [], [], []
    for d in range(n_out, a.dim()):
        if a.shape[d] != 1 and b.shape[d] != 1:
            wide[d] -= 1
            if wide[d] == 1:  # no later operand has it: sum it in this pair
                summed.append(d)
                wide[d] = 0
        elif wide[d] == 1:  # only this side has it: sum it on its own
            if a.shape[d] != 1:
                a_sums.append(d)
                wide[d] = 0
            elif b.shape[d] != 1:
                b_sums.append(d)
                wide[d] = 0
    if a_sums:
        a = a.sum(a_sums, True)
    if b_sums:
        b = b.sum(b_sums, True)
    if not summed:
        return a * b
    return _pair(a, b, summed)


def _pair(left, right, summed):
    """(left * right).sum(summed, keepdim=True) as one bmm; both have the same number of
    dims, broadcast where one side has size 1. See NOTE [ einsum layout ] for the swap."""
    both, lo, ro = [], [], []
    for d in range(left.dim()):
        if d in summed:
            continue
        wl, wr = left.shape[d] != 1, right.shape[d] != 1
        if wl and wr:
            both.append(d)
        elif wl:
            lo.append(d)
        else:
            ro.append(d)
    if lo and ro and max(ro) < min(lo):
        left, right = right, left
        lo, ro = (
            [d for d in ro if left.shape[d] != 1],
            sorted(lo + [d for d in ro if left.shape[d] == 1]),
        )

    def numel(t, dims):
        n = 1
        for d in dims:
            n *= t.shape[d]
        return n

    nb, m, k, n = numel(left, both), numel(left, lo), numel(left, summed), numel(right, ro)
    a3 = left.permute(both + lo + summed + ro).reshape(nb, m, k)
    b3 = right.permute(both + summed + ro + lo).reshape(nb, k, n)
    rows = both + lo + summed + ro
    shape = [left.shape[d] for d in both + lo] + [1] * len(summed) + [right.shape[d] for d in ro]
    back = [0] * len(rows)
    for pos, d in enumerate(rows):
        back[d] = pos
    return a3.bmm(b3).view(shape).permute(back)
