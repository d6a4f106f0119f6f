//! `x[key]` and `x[key] = v`: the key's basic items (ints, slices, None, `...`, bools)
//! become a view; its index tensors, lists and masks are advanced indexing on that view
//! (`ops::advanced::index` / `index_put_`), as PyTorch reads a subscript.

use crate::convert;
use crate::errors::IntoPy;
use crate::tensor::PyTensor;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PySlice, PyTuple};
use rtorch::ops::movement;
use rtorch::{DType, Tensor};

/// A bool index, as torch reads it: a Python bool or a 0-dim bool (or uint8: the old
/// byte masks) tensor.
fn bool_index(o: &Bound<'_, PyAny>) -> Option<bool> {
    if let Ok(b) = o.cast_exact::<pyo3::types::PyBool>() {
        return Some(b.is_true());
    }
    let t = &o.cast::<PyTensor>().ok()?.get().t;
    (t.ndim() == 0 && matches!(t.dtype(), DType::Bool | DType::U8))
        .then(|| t.to_vec::<i64>().ok())?
        .map(|v| v[0] != 0)
}

/// An integer index: a Python int (or `__index__`) or a 0-dim integer tensor; any other
/// tensor is an advanced index (`None` here). A 0-dim uint8 tensor is not an integer but
/// a 0-dim mask, as torch reads the old byte masks.
fn int_index(o: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    if let Ok(t) = o.cast::<PyTensor>() {
        let t = &t.get().t;
        if t.ndim() == 0 && t.dtype().is_integral(false) && t.dtype() != DType::U8 {
            return Ok(Some(t.to_vec::<i64>().py()?[0]));
        }
        return Ok(None);
    }
    if o.is_instance_of::<pyo3::types::PyList>() || o.hasattr("__array_interface__")? {
        return Ok(None);
    }
    Ok(convert::index_arg(o).ok())
}

/// An advanced index item as a tensor: a tensor as is, a list or an ndarray converted
/// (an empty list is an empty int64 index, as in torch).
fn advanced_item(o: &Bound<'_, PyAny>) -> PyResult<Option<Tensor>> {
    if let Ok(t) = o.cast::<PyTensor>() {
        return Ok(Some(t.get().t.clone()));
    }
    if o.is_instance_of::<pyo3::types::PyList>() || o.hasattr("__array_interface__")? {
        let t = convert::tensor_from_data(o, None)?;
        if t.numel() == 0 && t.dtype().is_floating_point() {
            return rtorch::ops::cast::to_dtype(&t, DType::I64).py().map(Some);
        }
        return Ok(Some(t));
    }
    Ok(None)
}

/// How many dims of `x` an item consumes.
fn consumed(o: &Bound<'_, PyAny>, adv: Option<&Tensor>) -> usize {
    if o.is_none() || o.is_instance_of::<PyEllipsis>() || bool_index(o).is_some() {
        return 0;
    }
    match adv {
        Some(t) if matches!(t.dtype(), DType::Bool | DType::U8) => t.ndim(),
        _ => 1,
    }
}

/// `t[key]` split into the view of its basic items and the advanced indices on that
/// view (one entry per view dim, None where a dim is not indexed; empty when there are
/// none; a bool item is an index tensor too).
pub struct Subscript {
    pub view: Tensor,
    pub advanced: Vec<Option<Tensor>>,
}

pub fn parse(t: &Tensor, idx: &Bound<'_, PyAny>) -> PyResult<Subscript> {
    let is_tuple = idx.is_instance_of::<PyTuple>();
    let items: Vec<Bound<'_, PyAny>> = if let Ok(tup) = idx.cast::<PyTuple>() {
        tup.iter().collect()
    } else {
        vec![idx.clone()]
    };
    let mut advs: Vec<Option<Tensor>> = Vec::with_capacity(items.len());
    for o in &items {
        let is_int = o.is_instance_of::<PyTensor>() && int_index(o)?.is_some();
        advs.push(if is_int || bool_index(o).is_some() {
            None
        } else {
            advanced_item(o)?
        });
    }
    let n_consume: usize = items
        .iter()
        .zip(&advs)
        .map(|(o, a)| consumed(o, a.as_ref()))
        .sum();
    if items
        .iter()
        .filter(|o| o.is_instance_of::<PyEllipsis>())
        .count()
        > 1
    {
        return Err(PyIndexError::new_err(
            "an index can only have a single ellipsis ('...')",
        ));
    }
    if n_consume > t.ndim() {
        return Err(PyIndexError::new_err(format!(
            "too many indices for tensor of dimension {}",
            t.ndim()
        )));
    }
    let mut out = t.clone();
    let mut dim = 0usize;
    // (view dim, index) of every advanced item, in order.
    let mut adv_at: Vec<(usize, Tensor)> = Vec::new();
    for (o, adv) in items.iter().zip(advs) {
        if o.is_none() {
            out = movement::unsqueeze(&out, dim as i64).py()?;
            dim += 1;
        } else if o.is_instance_of::<PyEllipsis>() {
            dim += t.ndim() - n_consume;
        } else if let Some(b) = bool_index(o) {
            // A bool is not the integer 0/1 but an advanced index over a new size-1 dim:
            // index [0] for True, [] for False (torch's IndexBackward0 saves these).
            out = movement::unsqueeze(&out, dim as i64).py()?;
            let i = Tensor::zeros(&[b as usize], DType::I64, t.device()).py()?;
            adv_at.push((dim, i));
            dim += 1;
        } else if let Some(a) = adv {
            let width = if matches!(a.dtype(), DType::Bool | DType::U8) {
                a.ndim()
            } else {
                1
            };
            if a.ndim() == 0 && width == 0 {
                // A 0-dim mask tensor acts as a bool over a new dim.
                out = movement::unsqueeze(&out, dim as i64).py()?;
                adv_at.push((dim, a));
                dim += 1;
            } else {
                adv_at.push((dim, a));
                dim += width;
            }
        } else if let Ok(s) = o.cast::<PySlice>() {
            // Python's own clamping, which also takes ints beyond 64 bits.
            let ind = s.indices(out.shape()[dim] as isize)?;
            if ind.step <= 0 {
                return Err(PyValueError::new_err("step must be greater than zero"));
            }
            let (start, len, step) = (ind.start, ind.slicelength, ind.step);
            // NOTE: torch skips a full `:` inside a tuple (`x[:, 0]` records no
            // SliceBackward0) but not a lone `x[:]`.
            let full = start == 0 && step == 1 && len == out.shape()[dim];
            if !(full && is_tuple) {
                out = movement::slice(&out, dim, start as usize, len, step as usize).py()?;
            }
            dim += 1;
        } else if let Some(i) = int_index(o)? {
            let size = out.shape()[dim] as i64;
            if i < -size || i >= size {
                return Err(PyIndexError::new_err(format!(
                    "index {i} is out of bounds for dimension {dim} with size {size}"
                )));
            }
            out = movement::select(&out, dim as i64, i).py()?;
        } else {
            return Err(PyIndexError::new_err(format!(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {})",
                o.get_type().name()?
            )));
        }
    }
    // Line the advanced items up with the view's dims: a mask covers as many dims as it
    // has, so the entries that follow it shift (the engine expands masks itself).
    let mut advanced = Vec::new();
    if !adv_at.is_empty() {
        let mut cursor = 0usize;
        for (d, a) in adv_at {
            let width = if matches!(a.dtype(), DType::Bool | DType::U8) {
                a.ndim().max(1)
            } else {
                1
            };
            while cursor < d {
                advanced.push(None);
                cursor += 1;
            }
            advanced.push(Some(a));
            cursor += width;
        }
    }
    Ok(Subscript {
        view: out,
        advanced,
    })
}
