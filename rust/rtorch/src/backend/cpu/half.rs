//! Block conversions between the half types and float32, shared by the unary kernels
//! (NOTE [ Half through the float32 kernels ]) and the copy kernel (NOTE [ Dense casts ]).

use super::simd::map_cast;
#[cfg(target_arch = "x86_64")]
use super::simd::Isa;
use ::half::{bf16, f16};

/// Block conversions between a half type and float32; both directions give the same bits
/// as the scalar `to_f32`/`from_f32` (round to nearest even, NaN kept and quietened).
pub trait HalfBlock: Sized + Copy {
    fn widen(src: &[Self], dst: &mut [f32]);
    fn narrow(src: &[f32], dst: &mut [Self]);
}

impl HalfBlock for f16 {
    fn widen(src: &[f16], dst: &mut [f32]) {
        widen_f16(dst, src);
    }

    fn narrow(src: &[f32], dst: &mut [f16]) {
        narrow_f16(dst, src);
    }
}

impl HalfBlock for bf16 {
    fn widen(src: &[bf16], dst: &mut [f32]) {
        map_cast(dst, src, |h| f32::from_bits(u32::from(h.to_bits()) << 16));
    }

    fn narrow(src: &[f32], dst: &mut [bf16]) {
        map_cast(dst, src, |v| bf16::from_bits(bf16_bits_from_f32(v)));
    }
}

// NOTE [ Half conversions as integer arithmetic ]: the element conversions below are
// branch-free selects on the bit patterns, so a loop of them vectorises under the
// dispatched ISA (`simd::map_cast`): bfloat16 both ways (1M float32 to bfloat16 0.08 ms,
// torch 0.10), float16 on the baseline path and in tails (the AVX2/AVX-512 paths use F16C,
// 1M in 0.07-0.09 ms against 0.19 for this form, whose 16-bit stores are slow on Zen 4).
// Same bits as `f16::from_f32` / `to_f32`: round to
// nearest even, overflow to inf, subnormals, NaN quietened with its top payload bits
// (checked over every float16 and a float32 sweep in tests/test_cast.py).

/// float32 to float16 bits, rounded to nearest even.
#[inline(always)]
pub fn f16_bits_from_f32(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = (b >> 16) & 0x8000;
    let a = b & 0x7FFF_FFFF;
    // Normal results: rebias the exponent (127 -> 15) and round the 13 dropped bits.
    let normal = a
        .wrapping_sub(0x3800_0000)
        .wrapping_add(0x0FFF + ((a >> 13) & 1))
        >> 13;
    // Below 2^-14: adding 0.5 leaves the float16 subnormal's units of 2^-24 in the low
    // bits, rounded to nearest even by the addition itself.
    let sub = (f32::from_bits(a) + 0.5)
        .to_bits()
        .wrapping_sub(0x3F00_0000);
    let nan = 0x7E00 | ((a >> 13) & 0x3FF);
    let h = if a > 0x7F80_0000 {
        nan
    } else if a >= 0x477F_F000 {
        0x7C00
    } else if a < 0x3880_0000 {
        sub
    } else {
        normal
    };
    (h | sign) as u16
}

/// float16 bits to float32 (exact).
#[inline(always)]
pub fn f32_from_f16_bits(h: u16) -> f32 {
    let h = u32::from(h);
    let sign = (h & 0x8000) << 16;
    let a = h & 0x7FFF;
    let normal = (a << 13) + 0x3800_0000;
    let special = (a << 13) | 0x7F80_0000;
    let sub = (a as f32 * (1.0 / 16_777_216.0)).to_bits();
    let m = if a >= 0x7C00 {
        special
    } else if a < 0x0400 {
        sub
    } else {
        normal
    };
    f32::from_bits(m | sign)
}

/// float32 to bfloat16 bits: the top 16 bits rounded to nearest even, NaN quietened
/// (by hand: the `half` crate's slice conversion branches on NaN and does not vectorise).
#[inline(always)]
pub fn bf16_bits_from_f32(s: f32) -> u16 {
    let b = s.to_bits();
    let rounded = b.wrapping_add(0x7FFF + ((b >> 16) & 1)) >> 16;
    let quiet = (b >> 16) | 0x40;
    (if s.is_nan() { quiet } else { rounded }) as u16
}

/// float32 to float16 over slices: F16C instructions where the dispatched path has them
/// (NOTE [ Dense casts ]), the integer form above elsewhere and for the tail.
pub fn narrow_f16(o: &mut [f16], x: &[f32]) {
    let done = match super::simd::isa() {
        // SAFETY: the path was detected on this CPU (NOTE [ SIMD dispatch ]).
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { f16c::narrow_512(o, x) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { f16c::narrow_256(o, x) },
        _ => 0,
    };
    map_cast(&mut o[done..], &x[done..], |v| {
        f16::from_bits(f16_bits_from_f32(v))
    });
}

/// float16 to float32 over slices, as `narrow_f16`.
pub fn widen_f16(o: &mut [f32], x: &[f16]) {
    let done = match super::simd::isa() {
        // SAFETY: as in `narrow_f16`.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { f16c::widen_512(o, x) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { f16c::widen_256(o, x) },
        _ => 0,
    };
    map_cast(&mut o[done..], &x[done..], |h| {
        f32_from_f16_bits(h.to_bits())
    });
}

/// The F16C conversions (AVX-512F has its own 16-lane forms); each returns how many
/// leading elements it converted (whole vectors).
#[cfg(target_arch = "x86_64")]
mod f16c {
    use ::half::f16;
    use std::arch::x86_64::*;

    const RNE: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

    #[target_feature(enable = "avx512f")]
    pub unsafe fn narrow_512(o: &mut [f16], x: &[f32]) -> usize {
        let n = o.len().min(x.len()) / 16 * 16;
        for i in (0..n).step_by(16) {
            let h = _mm512_cvtps_ph::<RNE>(_mm512_loadu_ps(x.as_ptr().add(i)));
            _mm256_storeu_si256(o.as_mut_ptr().add(i) as *mut __m256i, h);
        }
        n
    }

    #[target_feature(enable = "avx512f")]
    pub unsafe fn widen_512(o: &mut [f32], x: &[f16]) -> usize {
        let n = o.len().min(x.len()) / 16 * 16;
        for i in (0..n).step_by(16) {
            let h = _mm256_loadu_si256(x.as_ptr().add(i) as *const __m256i);
            _mm512_storeu_ps(o.as_mut_ptr().add(i), _mm512_cvtph_ps(h));
        }
        n
    }

    #[target_feature(enable = "avx2,f16c")]
    pub unsafe fn narrow_256(o: &mut [f16], x: &[f32]) -> usize {
        let n = o.len().min(x.len()) / 8 * 8;
        for i in (0..n).step_by(8) {
            let h =
                _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm256_loadu_ps(x.as_ptr().add(i)));
            _mm_storeu_si128(o.as_mut_ptr().add(i) as *mut __m128i, h);
        }
        n
    }

    #[target_feature(enable = "avx2,f16c")]
    pub unsafe fn widen_256(o: &mut [f32], x: &[f16]) -> usize {
        let n = o.len().min(x.len()) / 8 * 8;
        for i in (0..n).step_by(8) {
            let h = _mm_loadu_si128(x.as_ptr().add(i) as *const __m128i);
            _mm256_storeu_ps(o.as_mut_ptr().add(i), _mm256_cvtph_ps(h));
        }
        n
    }
}
