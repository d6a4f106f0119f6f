//! The Python docstrings of the bindings, one file per binding family (`math.rs` for
//! `tensor/math.rs` and `tensor/blas.rs`, `reduce.rs`, `views.rs`, `tensor.rs` for
//! `tensor/mod.rs`, `functions.rs` for `functions/`), each a `macro_rules!` table from a
//! binding's name to its text: `#[doc = doc_views!(reshape)]` above the binding.
//!
//! NOTE [ Docstrings ]
//! Docstrings follow PyTorch's form: first line the call signature with its return type
//! (the function form, `add(input, other, ...)`, for a method that is also `rtorch.add`:
//! that is what `help(rtorch.add)` shows), then what it computes, `Args:`, `Keyword args:`
//! and for the most used ops an `Example::` that `tests/test_docstrings.py` runs. They live
//! here rather than as `///` comments because they would push the binding files past 800
//! lines. pyo3 0.29 takes `#[doc = <macro call>]` on `#[pyfunction]`s and `#[pymethods]`,
//! also inside the `unary_methods!`-style lists (it builds the docstring with `concat!`,
//! which expands the call), and still puts its generated `__text_signature__` in front,
//! so `inspect.signature` keeps working. A table is a macro, not a `const`, because
//! `#[doc = …]` needs a literal after expansion; a name missing from a table is a compile
//! error, so a new binding in a macro list cannot go without a docstring. The text is
//! ours: PyTorch's docs were read for behaviour only.

#[macro_use]
mod math;
#[macro_use]
mod reduce;
#[macro_use]
mod views;
#[macro_use]
mod tensor;
#[macro_use]
mod functions;
