//! The first pass over a value's bytes: counts, feature bits, and whether a
//! token run as long as the shortest one any rule asks for exists.
//!
//! On x86-64 it classifies sixteen bytes per step with SSE2 (part of every
//! x86-64 CPU), or thirty-two with AVX2 on a long value where the CPU has it
//! (checked at run time); elsewhere, and for the last few bytes of the SSE2
//! pass, the scalar form runs. Property tests hold them to the same answer.

use crate::rules::Feature;

/// `str::trim`, without decoding characters when both ends are visible ASCII
/// (nearly every value).
#[inline]
pub(crate) fn trim_value(v: &str) -> &str {
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(&f), Some(&l)) if (b'!'..0x80).contains(&f) && (b'!'..0x80).contains(&l) => v,
        _ => v.trim(),
    }
}

/// What the first pass learns about a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FirstPass {
    pub digits: u32,
    /// ASCII capitals and every non-ASCII byte: an upper bound on the
    /// capitalised words.
    pub caplike: u32,
    pub features: u16,
    /// A run of at least `floor` token bytes (ASCII letters, digits, `_`,
    /// `-`, `.`) exists.
    pub long_token: bool,
}

/// Separator counts that decide `MacSeparators`.
#[derive(Debug, Clone, Copy, Default)]
struct Seps {
    colons: u32,
    dashes: u32,
    dots: u32,
}

/// Token bytes: ASCII letters, digits, `_`, `-`, `.`.
pub(crate) const TOKEN_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = (b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) as u8;
        c += 1;
    }
    t
};

/// The feature bits one byte sets by itself.
const BYTE_FEATURES: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            Feature::Alpha.bit() | Feature::Upper.bit()
        } else if b.is_ascii_lowercase() {
            Feature::Alpha.bit() | Feature::Lower.bit()
        } else if b >= 0x80 {
            Feature::Alpha.bit()
        } else {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => Feature::Space.bit(),
                b'@' => Feature::At.bit(),
                b':' => Feature::Colon.bit() | Feature::Assign.bit(),
                b'=' => Feature::Assign.bit(),
                b',' => Feature::Comma.bit(),
                b'.' => Feature::Dot.bit(),
                _ => 0,
            }
        };
        c += 1;
    }
    t
};

/// The byte features of one byte (for the general shape pass).
#[inline]
pub(crate) fn byte_features(c: u8) -> u16 {
    BYTE_FEATURES[c as usize]
}

/// The feature bits of the SIMD passes: whether any byte is an ASCII
/// capital, a lower-case letter, outside ASCII, a space, tab or line
/// break, `@`, `,`, `=`, in that order, and the separator counts.
#[cfg(target_arch = "x86_64")]
#[inline]
fn features(any: [bool; 7], seps: &Seps) -> u16 {
    let [upper, lower, high, space, at, comma, eq] = any;
    let mut f = 0u16;
    if upper || lower || high {
        f |= Feature::Alpha.bit();
    }
    if upper {
        f |= Feature::Upper.bit();
    }
    if lower {
        f |= Feature::Lower.bit();
    }
    if space {
        f |= Feature::Space.bit();
    }
    if at {
        f |= Feature::At.bit();
    }
    if seps.colons > 0 {
        f |= Feature::Colon.bit() | Feature::Assign.bit();
    }
    if eq {
        f |= Feature::Assign.bit();
    }
    if comma {
        f |= Feature::Comma.bit();
    }
    if seps.dots > 0 {
        f |= Feature::Dot.bit();
    }
    f
}

/// Tracks token runs across the steps of a pass.
#[derive(Debug, Clone, Copy)]
struct Runs {
    floor: u32,
    /// The bits any run of `floor` (9..=16) bits inside a 16-bit mask must
    /// cover (0 when there is no such bit): a cheap test before `has_run`.
    core: u32,
    /// Token bytes at the end of what has been read.
    run: u32,
    found: bool,
}

impl Runs {
    fn new(floor: u32) -> Self {
        let core = if (9..=16).contains(&floor) {
            // Bits 16 - floor ..= floor - 1.
            ((1u32 << floor) - 1) & !((1u32 << (16 - floor)) - 1)
        } else {
            0
        };
        Runs {
            floor,
            core,
            run: 0,
            // `floor == u32::MAX`: no rule asks; nothing is ever looked up.
            found: floor == 0 || floor == u32::MAX,
        }
    }

    fn byte(&mut self, tok: bool) {
        self.run = if tok { self.run + 1 } else { 0 };
        self.found |= self.run >= self.floor;
    }

    /// Sixteen bytes at once: bit `i` of `m` is byte `i`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    fn chunk(&mut self, m: u32) {
        if self.found {
            return;
        }
        if m == 0xFFFF {
            self.run += 16;
            self.found = self.run >= self.floor;
            return;
        }
        // The run that reaches into this chunk, then runs inside it, then
        // the run that leaves it.
        let lead = (!m).trailing_zeros();
        if self.run + lead >= self.floor
            || (self.floor <= 16 && m & self.core == self.core && has_run(m, self.floor))
        {
            self.found = true;
        }
        self.run = (m << 16).leading_ones();
    }
}

/// Whether the 16-bit mask `m` holds `len` (≤ 16) consecutive set bits: each
/// step keeps the bits that start a run at least twice as long, so four
/// steps settle any length up to 16.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn has_run(m: u32, len: u32) -> bool {
    let (mut x, mut have) = (m, 1);
    while have < len && x != 0 {
        let s = (len - have).min(have);
        x &= x >> s;
        have += s;
    }
    x != 0
}

/// The bytes of `b` (fewer than sixteen), zero-padded to sixteen, as two
/// little-endian words, read with at most two overlapping loads instead of a
/// copy (the first pass's last block; the names dictionary's keys).
#[inline]
pub(crate) fn short_words(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    debug_assert!(n < 16);
    if n >= 8 {
        let lo = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
        let hi = u64::from_le_bytes(b[n - 8..].try_into().expect("8 bytes"));
        // The second word's bytes 8..n, at its bottom: the overlap dropped.
        (lo, hi.checked_shr(((16 - n) * 8) as u32).unwrap_or(0))
    } else if n >= 4 {
        let a = u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64;
        let c = u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")) as u64;
        (a | (c >> ((8 - n) * 8)) << 32, 0)
    } else {
        let mut lo = 0u64;
        for (i, &c) in b.iter().enumerate() {
            lo |= (c as u64) << (8 * i);
        }
        (lo, 0)
    }
}

/// The first pass, scalar: one table lookup per byte.
fn scalar(b: &[u8], seps: &mut Seps, out: &mut FirstPass, runs: &mut Runs) {
    for &c in b {
        out.digits += c.is_ascii_digit() as u32;
        out.caplike += (c.is_ascii_uppercase() || c >= 0x80) as u32;
        seps.colons += (c == b':') as u32;
        seps.dashes += (c == b'-') as u32;
        seps.dots += (c == b'.') as u32;
        out.features |= BYTE_FEATURES[c as usize];
        runs.byte(TOKEN_BYTE[c as usize] != 0);
    }
}

fn finish(seps: Seps, mut out: FirstPass, runs: Runs) -> FirstPass {
    if seps.colons >= 5 || seps.dashes >= 5 || seps.dots >= 2 {
        out.features |= Feature::MacSeparators.bit();
    }
    out.long_token = runs.found;
    out
}

/// The first pass over `b`; `floor` is the shortest token run any rule asks
/// for (`u32::MAX` when none does).
pub(crate) fn first_pass(b: &[u8], floor: u32) -> FirstPass {
    #[cfg(target_arch = "x86_64")]
    {
        if b.len() >= AVX2_FIRST_PASS_MIN && has_avx2() {
            // SAFETY: the CPU has AVX2 (checked at run time).
            return unsafe { avx2::first_pass(b, floor) };
        }
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::first_pass(b, floor) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        first_pass_scalar(b, floor)
    }
}

/// Values this long or longer take the AVX2 first pass where the CPU has
/// it (shorter ones are a step or two either way).
#[cfg(target_arch = "x86_64")]
const AVX2_FIRST_PASS_MIN: usize = 128;

/// The scalar first pass over the whole value (the reference for the SIMD one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn first_pass_scalar(b: &[u8], floor: u32) -> FirstPass {
    let (mut seps, mut out, mut runs) = (Seps::default(), FirstPass::default(), Runs::new(floor));
    scalar(b, &mut seps, &mut out, &mut runs);
    finish(seps, out, runs)
}

/// Bit masks of a few byte classes over a value of at most 64 bytes: bit
/// `i` of each is byte `i`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    pub dot: u64,
    pub dash: u64,
    pub at: u64,
    pub apostrophe: u64,
    pub digit: u64,
    /// ASCII letters of either case.
    pub alpha: u64,
}

/// `Masks` of `b` (at most 64 bytes), sixteen bytes per step. Without
/// `ALL`, `apostrophe` and `digit` are left empty (the e-mail check does
/// not need them).
pub(crate) fn masks<const ALL: bool>(b: &[u8]) -> Masks {
    debug_assert!(b.len() <= 64);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::masks::<ALL>(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = masks_scalar(b);
        if !ALL {
            (m.apostrophe, m.digit) = (0, 0);
        }
        m
    }
}

/// Bit masks of the word classes of a block of at most 64 bytes: bit `i`
/// of each is byte `i`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordMasks {
    /// ASCII letters of either case.
    pub alpha: u64,
    /// ASCII capitals.
    pub upper: u64,
    /// Word bytes of the names finder: ASCII letters and digits, `'`, `-`
    /// and `.`.
    pub word: u64,
    /// `.`.
    pub dot: u64,
}

/// `WordMasks` of `b` (at most 64 bytes), sixteen bytes per step: free
/// text's word runs are then walked run by run, not byte by byte.
#[inline]
pub(crate) fn word_masks(b: &[u8]) -> WordMasks {
    debug_assert!(b.len() <= 64);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::word_masks(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        word_masks_scalar(b)
    }
}

/// `word_masks` for the blocks of long text: a full block takes AVX2 where
/// the CPU has it (a call that is not inlined, which a short value's one
/// block does not repay).
#[inline]
pub(crate) fn word_masks_of_text(b: &[u8]) -> WordMasks {
    #[cfg(target_arch = "x86_64")]
    if b.len() == 64 && has_avx2() {
        // SAFETY: the CPU has AVX2 (checked at run time).
        return unsafe { avx2::word_masks_64(b) };
    }
    word_masks(b)
}

/// Whether this CPU has AVX2 (a cached flag after the first call).
#[cfg(target_arch = "x86_64")]
#[inline]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2")
}

/// The scalar form of `word_masks` (the reference for the SIMD one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn word_masks_scalar(b: &[u8]) -> WordMasks {
    let mut m = WordMasks::default();
    for (i, &c) in b.iter().enumerate().take(64) {
        m.alpha |= (c.is_ascii_alphabetic() as u64) << i;
        m.upper |= (c.is_ascii_uppercase() as u64) << i;
        m.word |= ((c.is_ascii_alphanumeric() || matches!(c, b'\'' | b'-' | b'.')) as u64) << i;
        m.dot |= ((c == b'.') as u64) << i;
    }
    m
}

/// The byte classes the shape pass of a value with digits reads (number
/// groups, letter and digit runs, the transitions that gate rules), as bit
/// masks over a block of at most 64 bytes: bit `i` of each is byte `i`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ShapeMasks {
    pub digit: u64,
    /// ASCII letters of either case.
    pub alpha: u64,
    /// ASCII capitals.
    pub upper: u64,
    pub dot: u64,
    pub comma: u64,
    /// What may stand between the groups of one number: space, `-`, `.`,
    /// `/`, `(`, `)`.
    pub sep: u64,
    /// ASCII whitespace and every non-ASCII byte.
    pub space_like: u64,
}

/// `ShapeMasks` of `b` (at most 64 bytes), sixteen bytes per step.
#[inline]
pub(crate) fn shape_masks(b: &[u8]) -> ShapeMasks {
    debug_assert!(b.len() <= 64);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::shape_masks(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        shape_masks_scalar(b)
    }
}

/// The scalar form of `shape_masks` (the reference for the SIMD one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn shape_masks_scalar(b: &[u8]) -> ShapeMasks {
    let mut m = ShapeMasks::default();
    for (i, &c) in b.iter().enumerate().take(64) {
        let bit = |x: bool| (x as u64) << i;
        m.digit |= bit(c.is_ascii_digit());
        m.alpha |= bit(c.is_ascii_alphabetic());
        m.upper |= bit(c.is_ascii_uppercase());
        m.dot |= bit(c == b'.');
        m.comma |= bit(c == b',');
        m.sep |= bit(matches!(c, b' ' | b'-' | b'.' | b'/' | b'(' | b')'));
        m.space_like |= bit(c.is_ascii_whitespace() || c >= 0x80);
    }
    m
}

/// Bit mask of the ASCII capitals of `b` (at most 64 bytes), sixteen
/// bytes per step.
#[inline]
pub(crate) fn upper_mask(b: &[u8]) -> u64 {
    debug_assert!(b.len() <= 64);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::upper_mask(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        upper_mask_scalar(b)
    }
}

/// The scalar form of `upper_mask` (the reference for the SIMD one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn upper_mask_scalar(b: &[u8]) -> u64 {
    b.iter()
        .take(64)
        .enumerate()
        .fold(0, |m, (i, &c)| m | (c.is_ascii_uppercase() as u64) << i)
}

/// Bit masks of the spaces and the commas of `b` (at most 64 bytes),
/// sixteen bytes per step.
#[inline]
pub(crate) fn spaces_commas(b: &[u8]) -> (u64, u64) {
    debug_assert!(b.len() <= 64);
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::spaces_commas(b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        spaces_commas_scalar(b)
    }
}

/// The scalar form of `spaces_commas`.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn spaces_commas_scalar(b: &[u8]) -> (u64, u64) {
    let (mut sp, mut co) = (0u64, 0u64);
    for (i, &c) in b.iter().enumerate().take(64) {
        sp |= ((c == b' ') as u64) << i;
        co |= ((c == b',') as u64) << i;
    }
    (sp, co)
}

/// The number of spaces in `b`, counted 64 bytes at a time and no further
/// once `cap` is reached (a value's "three spaces or more" needs no more).
#[inline]
pub(crate) fn spaces_up_to(b: &[u8], cap: u32) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { sse2::spaces_up_to(b, cap) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        spaces_up_to_scalar(b, cap)
    }
}

/// The scalar form of `spaces_up_to`.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn spaces_up_to_scalar(b: &[u8], cap: u32) -> u32 {
    let mut n = 0;
    for block in b.chunks(64) {
        n += block.iter().filter(|&&c| c == b' ').count() as u32;
        if n >= cap {
            break;
        }
    }
    n
}

/// The scalar form of `masks` (the reference for the SIMD one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn masks_scalar(b: &[u8]) -> Masks {
    let mut m = Masks::default();
    for (i, &c) in b.iter().enumerate().take(64) {
        m.dot |= ((c == b'.') as u64) << i;
        m.dash |= ((c == b'-') as u64) << i;
        m.at |= ((c == b'@') as u64) << i;
        m.apostrophe |= ((c == b'\'') as u64) << i;
        m.digit |= (c.is_ascii_digit() as u64) << i;
        m.alpha |= (c.is_ascii_alphabetic() as u64) << i;
    }
    m
}

/// Full 64-byte blocks, thirty-two bytes per step, on CPUs with AVX2
/// (checked at run time: not every x86-64 CPU has it). Long text is mostly
/// full blocks.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{FirstPass, Runs, Seps};
    use std::arch::x86_64::*;

    #[inline]
    #[target_feature(enable = "avx2")]
    fn splat(c: u8) -> __m256i {
        _mm256_set1_epi8(c as i8)
    }

    /// `x <= k` per unsigned lane: min(x, k) == x.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn le(x: __m256i, k: u8) -> __m256i {
        _mm256_cmpeq_epi8(_mm256_min_epu8(x, splat(k)), x)
    }

    /// `super::first_pass`: thirty-two bytes per step, the classes and
    /// counters of the SSE2 pass (`sse2::step`) twice as wide.
    #[target_feature(enable = "avx2")]
    pub(super) fn first_pass(b: &[u8], floor: u32) -> FirstPass {
        let (mut seps, mut out, mut runs) =
            (Seps::default(), FirstPass::default(), Runs::new(floor));
        let z = _mm256_setzero_si256();
        let mut acc = [z; 7];
        let mut cnt = [z; 5];
        let mut steps = 0u32;
        let mut blocks = b.chunks_exact(32);
        for block in blocks.by_ref() {
            // SAFETY: `block` is 32 readable bytes; the load has no alignment need.
            let v = unsafe { _mm256_loadu_si256(block.as_ptr().cast()) };
            step(&mut acc, &mut cnt, &mut runs, v);
            steps += 1;
            if steps == 255 {
                flush(&mut cnt, &mut out, &mut seps);
                steps = 0;
            }
        }
        // The last bytes in a zero-padded block: a zero byte is in no
        // class, so it adds nothing and ends any token run, as the end of
        // the value does.
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 32];
            last[..rest.len()].copy_from_slice(rest);
            // SAFETY: `last` is 32 readable bytes.
            let v = unsafe { _mm256_loadu_si256(last.as_ptr().cast()) };
            step(&mut acc, &mut cnt, &mut runs, v);
        }
        flush(&mut cnt, &mut out, &mut seps);
        out.features = super::features(acc.map(|v| _mm256_movemask_epi8(v) != 0), &seps);
        super::finish(seps, out, runs)
    }

    /// `sse2::step` over 32 bytes: `acc` is upper, lower, high, space, at,
    /// comma, eq; `cnt` digits, capital-like, colons, dashes, dots.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn step(acc: &mut [__m256i; 7], cnt: &mut [__m256i; 5], runs: &mut Runs, v: __m256i) {
        let or = |a: __m256i, b: __m256i| _mm256_or_si256(a, b);
        let eq = |c: u8| _mm256_cmpeq_epi8(v, splat(c));
        let lower = le(_mm256_sub_epi8(v, splat(b'a')), 25);
        let space = eq(b' ');
        acc[1] = or(acc[1], lower);
        acc[3] = or(acc[3], space);
        // Each half of the token mask, in order.
        let chunks = |runs: &mut Runs, m: u32| {
            runs.chunk(m & 0xFFFF);
            runs.chunk(m >> 16);
        };
        if _mm256_movemask_epi8(or(lower, space)) as u32 == u32::MAX {
            if !runs.found {
                chunks(runs, _mm256_movemask_epi8(lower) as u32);
            }
            return;
        }
        let digit = le(_mm256_sub_epi8(v, splat(b'0')), 9);
        let upper = le(_mm256_sub_epi8(v, splat(b'A')), 25);
        let high = _mm256_cmpgt_epi8(_mm256_setzero_si256(), v);
        let (colon, dash, dot) = (eq(b':'), eq(b'-'), eq(b'.'));
        acc[0] = or(acc[0], upper);
        acc[2] = or(acc[2], high);
        acc[3] = or(acc[3], or(eq(b'\t'), or(eq(b'\n'), eq(b'\r'))));
        acc[4] = or(acc[4], eq(b'@'));
        acc[5] = or(acc[5], eq(b','));
        acc[6] = or(acc[6], eq(b'='));
        // Compare results are 0 or -1 per lane: subtracting counts.
        cnt[0] = _mm256_sub_epi8(cnt[0], digit);
        cnt[1] = _mm256_sub_epi8(cnt[1], or(upper, high));
        cnt[2] = _mm256_sub_epi8(cnt[2], colon);
        cnt[3] = _mm256_sub_epi8(cnt[3], dash);
        cnt[4] = _mm256_sub_epi8(cnt[4], dot);
        if !runs.found {
            let tok = or(or(or(digit, upper), or(lower, eq(b'_'))), or(dash, dot));
            chunks(runs, _mm256_movemask_epi8(tok) as u32);
        }
    }

    /// The sum of the 32 byte lanes of `v`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn sum(v: __m256i) -> u32 {
        let s = _mm256_sad_epu8(v, _mm256_setzero_si256());
        (_mm256_extract_epi64::<0>(s)
            + _mm256_extract_epi64::<1>(s)
            + _mm256_extract_epi64::<2>(s)
            + _mm256_extract_epi64::<3>(s)) as u32
    }

    /// Add the lane counters up and clear them.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn flush(cnt: &mut [__m256i; 5], out: &mut FirstPass, seps: &mut Seps) {
        out.digits += sum(cnt[0]);
        out.caplike += sum(cnt[1]);
        seps.colons += sum(cnt[2]);
        seps.dashes += sum(cnt[3]);
        seps.dots += sum(cnt[4]);
        *cnt = [_mm256_setzero_si256(); 5];
    }

    /// `super::word_masks` of exactly 64 bytes.
    #[target_feature(enable = "avx2")]
    pub(super) fn word_masks_64(b: &[u8]) -> super::WordMasks {
        assert_eq!(b.len(), 64);
        let mut m = super::WordMasks::default();
        for k in [0usize, 32] {
            // SAFETY: `k + 32 <= 64 == b.len()`: 32 readable bytes from
            // `k`; the load has no alignment need.
            let v = unsafe { _mm256_loadu_si256(b.as_ptr().add(k).cast()) };
            let bits = |x: __m256i| (_mm256_movemask_epi8(x) as u32 as u64) << k;
            let upper = le(_mm256_sub_epi8(v, splat(b'A')), 25);
            let folded = _mm256_or_si256(v, splat(0x20));
            let alpha = le(_mm256_sub_epi8(folded, splat(b'a')), 25);
            let digit = le(_mm256_sub_epi8(v, splat(b'0')), 9);
            let dot = _mm256_cmpeq_epi8(v, splat(b'.'));
            let punct = _mm256_or_si256(
                _mm256_cmpeq_epi8(v, splat(b'\'')),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, splat(b'-')), dot),
            );
            m.dot |= bits(dot);
            m.alpha |= bits(alpha);
            m.upper |= bits(upper);
            m.word |= bits(_mm256_or_si256(_mm256_or_si256(alpha, digit), punct));
        }
        m
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::{finish, FirstPass, Runs, Seps};
    use std::arch::x86_64::*;

    /// Per-lane state: "any byte of this class" masks and byte counters.
    struct Acc {
        upper: __m128i,
        lower: __m128i,
        high: __m128i,
        space: __m128i,
        at: __m128i,
        comma: __m128i,
        eq: __m128i,
        /// Digits, capital-like, colons, dashes, dots.
        cnt: [__m128i; 5],
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn splat(c: u8) -> __m128i {
        _mm_set1_epi8(c as i8)
    }

    /// `x <= k` per unsigned lane: min(x, k) == x.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn le(x: __m128i, k: u8) -> __m128i {
        _mm_cmpeq_epi8(_mm_min_epu8(x, splat(k)), x)
    }

    /// One block of sixteen bytes. Inlined (`inline(always)`, which a
    /// `target_feature` function may not be), so that the pass keeps its
    /// state in registers.
    #[inline(always)]
    fn step(acc: &mut Acc, runs: &mut Runs, v: __m128i) {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe {
            let lower = le(_mm_sub_epi8(v, splat(b'a')), 25);
            let space = _mm_cmpeq_epi8(v, splat(b' '));
            acc.lower = _mm_or_si128(acc.lower, lower);
            acc.space = _mm_or_si128(acc.space, space);
            // Most blocks of prose are lower-case letters and spaces only: they
            // count nothing, and their token bytes are the letters.
            if _mm_movemask_epi8(_mm_or_si128(lower, space)) == 0xFFFF {
                if !runs.found {
                    runs.chunk(_mm_movemask_epi8(lower) as u32);
                }
                return;
            }
            let digit = le(_mm_sub_epi8(v, splat(b'0')), 9);
            let upper = le(_mm_sub_epi8(v, splat(b'A')), 25);
            let high = _mm_cmplt_epi8(v, _mm_setzero_si128());
            let colon = _mm_cmpeq_epi8(v, splat(b':'));
            let dash = _mm_cmpeq_epi8(v, splat(b'-'));
            let dot = _mm_cmpeq_epi8(v, splat(b'.'));
            acc.upper = _mm_or_si128(acc.upper, upper);
            acc.high = _mm_or_si128(acc.high, high);
            let breaks = _mm_or_si128(
                _mm_cmpeq_epi8(v, splat(b'\n')),
                _mm_cmpeq_epi8(v, splat(b'\r')),
            );
            acc.space = _mm_or_si128(
                acc.space,
                _mm_or_si128(_mm_cmpeq_epi8(v, splat(b'\t')), breaks),
            );
            acc.at = _mm_or_si128(acc.at, _mm_cmpeq_epi8(v, splat(b'@')));
            acc.comma = _mm_or_si128(acc.comma, _mm_cmpeq_epi8(v, splat(b',')));
            acc.eq = _mm_or_si128(acc.eq, _mm_cmpeq_epi8(v, splat(b'=')));
            // Compare results are 0 or -1 per lane: subtracting counts.
            acc.cnt[0] = _mm_sub_epi8(acc.cnt[0], digit);
            acc.cnt[1] = _mm_sub_epi8(acc.cnt[1], _mm_or_si128(upper, high));
            acc.cnt[2] = _mm_sub_epi8(acc.cnt[2], colon);
            acc.cnt[3] = _mm_sub_epi8(acc.cnt[3], dash);
            acc.cnt[4] = _mm_sub_epi8(acc.cnt[4], dot);
            if !runs.found {
                let under = _mm_cmpeq_epi8(v, splat(b'_'));
                let tok = _mm_or_si128(
                    _mm_or_si128(_mm_or_si128(digit, upper), _mm_or_si128(lower, under)),
                    _mm_or_si128(dash, dot),
                );
                runs.chunk(_mm_movemask_epi8(tok) as u32);
            }
        }
    }

    /// The bytes of `b` (fewer than sixteen) in a zero-padded block.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn short_block(b: &[u8]) -> __m128i {
        let (lo, hi) = super::short_words(b);
        _mm_set_epi64x(hi as i64, lo as i64)
    }

    /// The sum of the sixteen byte lanes of `v`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn sum(v: __m128i) -> u32 {
        let s = _mm_sad_epu8(v, _mm_setzero_si128());
        (_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s))) as u32
    }

    /// Add the lane counters up and clear them.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn flush(acc: &mut Acc, out: &mut FirstPass, seps: &mut Seps) {
        out.digits += sum(acc.cnt[0]);
        out.caplike += sum(acc.cnt[1]);
        seps.colons += sum(acc.cnt[2]);
        seps.dashes += sum(acc.cnt[3]);
        seps.dots += sum(acc.cnt[4]);
        acc.cnt = [_mm_setzero_si128(); 5];
    }

    /// Sixteen bytes per step; the counters are added up every 255 steps so
    /// that no lane can overflow. The last few bytes go in a zero-padded
    /// block: a zero byte is in no class, so it adds nothing and ends any
    /// token run, as the end of the value does.
    #[target_feature(enable = "sse2")]
    pub(super) fn first_pass(b: &[u8], floor: u32) -> FirstPass {
        let (mut seps, mut out, mut runs) =
            (Seps::default(), FirstPass::default(), Runs::new(floor));
        let z = _mm_setzero_si128();
        let mut acc = Acc {
            upper: z,
            lower: z,
            high: z,
            space: z,
            at: z,
            comma: z,
            eq: z,
            cnt: [z; 5],
        };
        let mut blocks = b.chunks_exact(16);
        let mut steps = 0u32;
        for block in blocks.by_ref() {
            // SAFETY: `block` is 16 readable bytes; the load has no alignment need.
            let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
            step(&mut acc, &mut runs, v);
            steps += 1;
            if steps == 255 {
                flush(&mut acc, &mut out, &mut seps);
                steps = 0;
            }
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            step(&mut acc, &mut runs, short_block(rest));
        }
        flush(&mut acc, &mut out, &mut seps);
        let any = |v: __m128i| _mm_movemask_epi8(v) != 0;
        let f = super::features(
            [
                acc.upper, acc.lower, acc.high, acc.space, acc.at, acc.comma, acc.eq,
            ]
            .map(any),
            &seps,
        );
        out.features = f;
        finish(seps, out, runs)
    }

    /// The blocks of a value of at most 64 bytes, sixteen bytes each, with
    /// the offset of each: how `masks` and `spaces_commas` read a value.
    /// The last block of a value of 16 bytes or more is its last sixteen
    /// bytes, overlapping the block before (each caller ORs bits that are
    /// the same for the same byte, so the overlap changes nothing); a
    /// shorter value is one zero-padded block (a zero byte is in no class).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn blocks(b: &[u8], mut each: impl FnMut(usize, __m128i)) {
        let n = b.len();
        if n < 16 {
            if n > 0 {
                each(0, short_block(b));
            }
            return;
        }
        // SAFETY (every load): `k + 16 <= n`, so 16 bytes from `k` are
        // readable; the load has no alignment need.
        let load = |k: usize| unsafe { _mm_loadu_si128(b.as_ptr().add(k).cast()) };
        let mut k = 0;
        while k + 16 <= n {
            each(k, load(k));
            k += 16;
        }
        if k < n {
            each(n - 16, load(n - 16));
        }
    }

    /// `super::spaces_up_to`: per sixteen-byte block a compare whose lanes
    /// (0 or -1) are subtracted from byte counters, summed every four
    /// blocks. The last partial block of a value of 16 bytes or more is the
    /// value's last sixteen bytes, its lanes already counted masked off;
    /// a shorter value is read into a zero-padded block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn spaces_up_to(b: &[u8], cap: u32) -> u32 {
        // Lane i of `TAIL[r..r + 16]` is set for the last r lanes.
        static TAIL: [u8; 32] = {
            let mut t = [0u8; 32];
            let mut i = 16;
            while i < 32 {
                t[i] = 0xff;
                i += 1;
            }
            t
        };
        let space = splat(b' ');
        if b.len() < 16 {
            let eq = _mm_cmpeq_epi8(short_block(b), space);
            return sum(_mm_sub_epi8(_mm_setzero_si128(), eq));
        }
        // SAFETY (every call below): `k + 16 <= b.len()`, so 16 bytes from
        // `k` are readable; the load has no alignment need.
        let load = |k: usize| unsafe { _mm_loadu_si128(b.as_ptr().add(k).cast()) };
        let eq = |k: usize| _mm_cmpeq_epi8(load(k), space);
        let mut n = 0;
        let mut k = 0;
        while k + 64 <= b.len() {
            let a = _mm_add_epi8(eq(k), eq(k + 16));
            let c = _mm_add_epi8(eq(k + 32), eq(k + 48));
            n += sum(_mm_sub_epi8(_mm_setzero_si128(), _mm_add_epi8(a, c)));
            if n >= cap {
                return n;
            }
            k += 64;
        }
        let mut acc = _mm_setzero_si128();
        while k + 16 <= b.len() {
            acc = _mm_sub_epi8(acc, eq(k));
            k += 16;
        }
        let r = b.len() - k;
        if r > 0 {
            // SAFETY: `TAIL[r..r + 16]` is within its 32 bytes.
            let keep = unsafe { _mm_loadu_si128(TAIL[r..].as_ptr().cast()) };
            acc = _mm_sub_epi8(acc, _mm_and_si128(eq(b.len() - 16), keep));
        }
        n + sum(acc)
    }

    /// `super::spaces_commas`.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn spaces_commas(b: &[u8]) -> (u64, u64) {
        let (space, comma) = (splat(b' '), splat(b','));
        let (mut sp, mut co) = (0u64, 0u64);
        blocks(b, |k, v| {
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << k;
            sp |= bits(_mm_cmpeq_epi8(v, space));
            co |= bits(_mm_cmpeq_epi8(v, comma));
        });
        (sp, co)
    }

    /// `super::upper_mask`, block by block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn upper_mask(b: &[u8]) -> u64 {
        let mut m = 0u64;
        blocks(b, |k, v| {
            let upper = le(_mm_sub_epi8(v, splat(b'A')), 25);
            m |= (_mm_movemask_epi8(upper) as u32 as u64) << k;
        });
        m
    }

    /// `super::shape_masks`, block by block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn shape_masks(b: &[u8]) -> super::ShapeMasks {
        let mut m = super::ShapeMasks::default();
        blocks(b, |k, v| {
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << k;
            let eq = |c: u8| _mm_cmpeq_epi8(v, splat(c));
            let upper = le(_mm_sub_epi8(v, splat(b'A')), 25);
            let folded = _mm_or_si128(v, splat(0x20));
            let alpha = le(_mm_sub_epi8(folded, splat(b'a')), 25);
            let dot = eq(b'.');
            let space = eq(b' ');
            m.digit |= bits(le(_mm_sub_epi8(v, splat(b'0')), 9));
            m.alpha |= bits(alpha);
            m.upper |= bits(upper);
            m.dot |= bits(dot);
            m.comma |= bits(eq(b','));
            m.sep |= bits(_mm_or_si128(
                _mm_or_si128(_mm_or_si128(space, eq(b'-')), _mm_or_si128(dot, eq(b'/'))),
                _mm_or_si128(eq(b'('), eq(b')')),
            ));
            // \t \n \x0c \r, the space, and the bytes from 0x80 (negative
            // as signed lanes).
            let ws = _mm_or_si128(
                _mm_or_si128(space, _mm_or_si128(eq(b'\t'), eq(b'\n'))),
                _mm_or_si128(eq(0x0c), eq(b'\r')),
            );
            m.space_like |= bits(_mm_or_si128(ws, _mm_cmplt_epi8(v, _mm_setzero_si128())));
        });
        m
    }

    /// `super::word_masks`, block by block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn word_masks(b: &[u8]) -> super::WordMasks {
        let mut m = super::WordMasks::default();
        blocks(b, |k, v| {
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << k;
            let upper = le(_mm_sub_epi8(v, splat(b'A')), 25);
            let folded = _mm_or_si128(v, splat(0x20));
            let alpha = le(_mm_sub_epi8(folded, splat(b'a')), 25);
            let digit = le(_mm_sub_epi8(v, splat(b'0')), 9);
            let dot = _mm_cmpeq_epi8(v, splat(b'.'));
            let punct = _mm_or_si128(
                _mm_cmpeq_epi8(v, splat(b'\'')),
                _mm_or_si128(_mm_cmpeq_epi8(v, splat(b'-')), dot),
            );
            m.dot |= bits(dot);
            m.alpha |= bits(alpha);
            m.upper |= bits(upper);
            m.word |= bits(_mm_or_si128(_mm_or_si128(alpha, digit), punct));
        });
        m
    }

    /// `super::masks`, block by block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn masks<const ALL: bool>(b: &[u8]) -> super::Masks {
        let mut m = super::Masks::default();
        let (dot, dash, at) = (splat(b'.'), splat(b'-'), splat(b'@'));
        blocks(b, |k, v| {
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << k;
            m.dot |= bits(_mm_cmpeq_epi8(v, dot));
            m.dash |= bits(_mm_cmpeq_epi8(v, dash));
            m.at |= bits(_mm_cmpeq_epi8(v, at));
            if ALL {
                m.apostrophe |= bits(_mm_cmpeq_epi8(v, splat(b'\'')));
                m.digit |= bits(le(_mm_sub_epi8(v, splat(b'0')), 9));
            }
            let folded = _mm_or_si128(v, splat(0x20));
            m.alpha |= bits(le(_mm_sub_epi8(folded, splat(b'a')), 25));
        });
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest token run, measured directly.
    fn longest(b: &[u8]) -> u32 {
        let (mut run, mut best) = (0u32, 0u32);
        for &c in b {
            run = if TOKEN_BYTE[c as usize] != 0 {
                run + 1
            } else {
                0
            };
            best = best.max(run);
        }
        best
    }

    proptest::proptest! {
        /// The SIMD pass gives exactly what the scalar one gives, on values
        /// of every length around the 16-byte steps: random bytes of every
        /// class, and prose (long stretches of lower-case letters and spaces,
        /// the SIMD pass's shortcut, between other bytes).
        #[test]
        fn simd_agrees_with_scalar(
            v in proptest::prop_oneof![
                "[a-cA-C0-9 :=@,._\\-\t\\u{e9}\\u{4e00}]{0,90}",
                "([a-z ]{0,40}[A-Z0-9.,@:=_\t\u{e9}-]?){0,5}",
            ],
            floor in 0u32..40,
        ) {
            let b = v.as_bytes();
            proptest::prop_assert_eq!(first_pass(b, floor), first_pass_scalar(b, floor));
        }

        /// The same on long values: several 255-step rounds of counters,
        /// every tail length after the 32-byte steps.
        #[test]
        fn simd_agrees_with_scalar_on_long_values(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z ]{0,64}",
                    "[a-cA-C0-9 :=@,._\\-\t\u{e9}]{0,40}",
                ],
                0..400,
            ),
            floor in 0u32..40,
        ) {
            let v = parts.concat();
            let b = v.as_bytes();
            proptest::prop_assert_eq!(first_pass(b, floor), first_pass_scalar(b, floor));
        }

        /// `long_token` is "the longest token run reaches `floor`".
        #[test]
        fn long_token_is_the_longest_run(v in "[a-b_ .,\\-]{0,120}", floor in 1u32..40) {
            let b = v.as_bytes();
            proptest::prop_assert_eq!(first_pass(b, floor).long_token, longest(b) >= floor);
        }

        #[test]
        fn masks_agree_with_scalar(v in proptest::collection::vec(proptest::num::u8::ANY, 0..=64)) {
            proptest::prop_assert_eq!(masks::<true>(&v), masks_scalar(&v));
            let m = masks_scalar(&v);
            proptest::prop_assert_eq!(masks::<false>(&v), Masks { apostrophe: 0, digit: 0, ..m });
        }

        #[test]
        fn shape_masks_agree_with_scalar(v in proptest::collection::vec(proptest::num::u8::ANY, 0..=64)) {
            proptest::prop_assert_eq!(shape_masks(&v), shape_masks_scalar(&v));
        }

        #[test]
        fn shape_masks_of_text_agree_with_scalar(v in "[a-zA-Z0-9 ,.\\-/()\t\r\n\u{c}é]{0,64}") {
            let b = &v.as_bytes()[..v.len().min(64)];
            proptest::prop_assert_eq!(shape_masks(b), shape_masks_scalar(b));
        }

        #[test]
        fn upper_mask_agrees_with_scalar(v in proptest::collection::vec(proptest::num::u8::ANY, 0..=64)) {
            proptest::prop_assert_eq!(upper_mask(&v), upper_mask_scalar(&v));
        }

        #[test]
        fn word_masks_agree_with_scalar(v in proptest::collection::vec(proptest::num::u8::ANY, 0..=64)) {
            proptest::prop_assert_eq!(word_masks(&v), word_masks_scalar(&v));
        }

        #[test]
        fn word_masks_of_full_blocks_agree_with_scalar(v in proptest::collection::vec(proptest::num::u8::ANY, 64)) {
            proptest::prop_assert_eq!(word_masks_of_text(&v), word_masks_scalar(&v));
            // SAFETY (x86-64): SSE2 is part of the baseline.
            #[cfg(target_arch = "x86_64")]
            proptest::prop_assert_eq!(unsafe { sse2::word_masks(&v) }, word_masks_scalar(&v));
        }

        #[test]
        fn word_masks_of_text_agree_with_scalar(v in "[a-zA-Z0-9 '.,\\-_@é]{0,64}") {
            let b = &v.as_bytes()[..v.len().min(64)];
            proptest::prop_assert_eq!(word_masks(b), word_masks_scalar(b));
        }

        #[test]
        fn spaces_up_to_agrees_with_scalar(v in "[a ,\t0é]{0,300}", cap in 1u32..400) {
            let b = v.as_bytes();
            let (fast, slow) = (spaces_up_to(b, cap), spaces_up_to_scalar(b, cap));
            proptest::prop_assert_eq!(fast, slow);
            let all = b.iter().filter(|&&c| c == b' ').count() as u32;
            proptest::prop_assert!(fast == all || (fast >= cap && fast <= all));
        }

        #[test]
        fn spaces_commas_agree_with_scalar(v in "[a ,Zé0]{0,64}") {
            let b = v.as_bytes();
            let b = &b[..b.len().min(64)];
            proptest::prop_assert_eq!(spaces_commas(b), spaces_commas_scalar(b));
        }

        #[test]
        fn masks_of_email_like_text(v in "[a-zA-Z@.\\-_0-9\\[`{'/:]{0,64}") {
            proptest::prop_assert_eq!(masks::<true>(v.as_bytes()), masks_scalar(v.as_bytes()));
        }

        #[test]
        fn has_run_is_the_longest_run(m in 0u32..0x10000, len in 1u32..17) {
            let longest_bits = {
                let (mut run, mut best) = (0u32, 0u32);
                for i in 0..16 {
                    run = if m >> i & 1 == 1 { run + 1 } else { 0 };
                    best = best.max(run);
                }
                best
            };
            proptest::prop_assert_eq!(has_run(m, len), longest_bits >= len);
        }
    }

    #[test]
    fn short_words_are_the_zero_padded_bytes() {
        for n in 0..16 {
            let b: Vec<u8> = (1..=n as u8).map(|x| x * 17).collect();
            let mut padded = [0u8; 16];
            padded[..n].copy_from_slice(&b);
            let expect = (
                u64::from_le_bytes(padded[..8].try_into().unwrap()),
                u64::from_le_bytes(padded[8..].try_into().unwrap()),
            );
            assert_eq!(short_words(&b), expect, "{n} bytes");
        }
    }

    #[test]
    fn counts_and_features() {
        let p = first_pass(
            b"Call +1 415-555-2671 or mail jo@ex.com, key=v: xoxb-1234567890abcdef",
            15,
        );
        assert_eq!(p.digits, 21);
        assert!(p.long_token);
        for f in [
            Feature::Upper,
            Feature::Lower,
            Feature::Alpha,
            Feature::Space,
            Feature::At,
            Feature::Colon,
            Feature::Comma,
            Feature::Dot,
            Feature::Assign,
        ] {
            assert!(p.features & f.bit() != 0, "{f:?}");
        }
        let q = first_pass("plain words only, nothing long here at all".as_bytes(), 15);
        assert_eq!((q.digits, q.long_token), (0, false));
        assert_eq!(q.features & Feature::Upper.bit(), 0);
        // Counters survive more than 255 steps of 16 bytes.
        let long = "1".repeat(16 * 300 + 7);
        assert_eq!(first_pass(long.as_bytes(), 15).digits, 16 * 300 + 7);
    }
}
