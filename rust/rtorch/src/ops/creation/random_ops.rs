//! The random samplers' registry entries: `normal` (tensor mean and std), `poisson`,
//! `bernoulli` and `multinomial` (NOTE [ Sampler registry entries ]).

use crate::ops::distributions::{multinomial, normal_tensor_tensor, poisson};
use crate::ops::sampling::bernoulli;
use crate::ops::{unary, Kind, OpInfo};
use crate::random::Generator;
use crate::{Result, Tensor};

// NOTE [ Sampler registry entries ]
// A sampler's registry call draws from a generator seeded afresh on each call, so the
// call is a deterministic function of its inputs, and Python's OpInfos seed
// `manual_seed` in their `fn` so that torch parity compares exact values (the streams
// are torch's). None is marked differentiable: torch's normal records NormalBackward3,
// whose gradients are zeros by definition (it does not reparametrize), which no finite
// difference reproduces; tests/op_db_random.py checks those nodes against torch. The registry's samples are any floats, so each call first maps them
// into the sampler's domain (rates >= 0, probabilities in [0, 1], weights > 0).

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("normal", Kind::Pointwise, &[&[2, 3], &[2, 3]], |t| {
        normal_tensor_tensor(&t[0], &unary::abs(&t[1])?, Some(&seeded()))
    }),
    OpInfo::inputs("poisson", Kind::Pointwise, &[&[2, 3]], |t| {
        poisson(&unary::abs(&t[0])?, Some(&seeded()))
    }),
    OpInfo::inputs("bernoulli", Kind::Pointwise, &[&[2, 3]], |t| {
        bernoulli(&unary::sigmoid(&t[0])?, Some(&seeded()))
    }),
    OpInfo::inputs("multinomial", Kind::Index, &[&[2, 3]], weights_sample),
];

fn seeded() -> Generator {
    Generator::new(0)
}

fn weights_sample(t: &[Tensor]) -> Result<Tensor> {
    let w = unary::exp(&t[0])?;
    multinomial(&w, 2, true, Some(&seeded()))
}
