//! e^{−|z|} and ln(1 + e^{−|z|}) of a block's margins, four rows at a time, with the very
//! bits `f64::exp` and `f64::ln_1p` give on x86-64 glibc with FMA (its `__exp_fma` and
//! `__log1p_fma`): the same operations in the same order, the same fused multiply-adds.
//!
//! The two calls were an eighth of the 1M recalibration's CPU (perf: log1p 8 %, exp 4 %):
//! one row at a time, through the dynamic linker. glibc's exp (2.28 and later) is Arm's optimized-routines algorithm: a 2^(k/128)
//! table (`scripts/exp-table` derives it) and a degree-5 polynomial. Its log1p is fdlibm's.
//! Which multiply-adds the compiler fused was read from the disassembly of glibc 2.36.
//!
//! Every lane outside the ranges written out here (|z| below 2^-54 or from 512 on, a NaN,
//! ln(1 + e) of e below 2^-29 or at its rarer branches) is computed by the scalar call, so
//! nothing depends on covering them. And before the first use the lanes are compared with
//! the scalar calls on a fixed set of margins ([`lanes_agree`]): another libm (without FMA,
//! or another algorithm) fails that and every row takes the scalar calls, as before.

use std::sync::OnceLock;

/// (e^{−|z_r|}, ln(1 + e^{−|z_r|})) of each margin z_r, as `(-z.abs()).exp()` and
/// `.ln_1p()` give them.
pub(super) fn exp_and_log1p(margins: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let (mut exps, mut logs) = (vec![0.0; margins.len()], vec![0.0; margins.len()]);
    #[cfg(target_arch = "x86_64")]
    if four_lanes() {
        // SAFETY: the CPU has AVX2 and FMA (four_lanes).
        unsafe { lanes::exp_and_log1p(margins, &mut exps, &mut logs) };
        return (exps, logs);
    }
    scalar(margins, &mut exps, &mut logs);
    (exps, logs)
}

/// The scalar calls, one row at a time, into slices of the margins' length: what the
/// lanes stand for, and what a lane outside their ranges is given.
fn scalar(margins: &[f64], exps: &mut [f64], logs: &mut [f64]) {
    for ((&z, e), l) in margins.iter().zip(exps).zip(logs) {
        *e = (-z.abs()).exp();
        *l = e.ln_1p();
    }
}

/// Whether the four-lane build runs: AVX2 and FMA, and [`lanes_agree`] on this machine.
fn four_lanes() -> bool {
    static AGREE: OnceLock<bool> = OnceLock::new();
    *AGREE.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") && lanes_agree()
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// Margins that reach every table entry, every branch and the edges of the ranges.
#[cfg(target_arch = "x86_64")]
fn probe_margins() -> Vec<f64> {
    let mut z: Vec<f64> = vec![0.0, -0.0, 2f64.powi(-54), 2f64.powi(-53), 1e-300, 511.999, 512.0, 700.0, 1e10, f64::INFINITY, f64::NAN];
    // ln(1 + e)'s branch points: e = 0.41422 (√2 − 1), e near 1, e = 2^-29.
    for e in [0.414_213_562_373_095_1f64, 0.414_22, 0.999_999_999, 2f64.powi(-29), 2f64.powi(-29) * 1.000_000_1] {
        let m = -e.ln();
        z.extend([m, m * (1.0 + 1e-15), m * (1.0 - 1e-15)]);
    }
    // A spread of 20,000: small and large, both signs (a fixed generator, no seed to keep).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
        let magnitude = if i % 2 == 0 { unit * 40.0 } else { (unit * 14.0 - 11.0).exp() };
        z.push(if i % 3 == 0 { -magnitude } else { magnitude });
    }
    z
}

/// The four-lane build gives the scalar calls' bits on [`probe_margins`].
#[cfg(target_arch = "x86_64")]
fn lanes_agree() -> bool {
    let z = probe_margins();
    let (mut a, mut b) = (vec![0.0; z.len()], vec![0.0; z.len()]);
    scalar(&z, &mut a, &mut b);
    let (mut c, mut d) = (vec![0.0; z.len()], vec![0.0; z.len()]);
    // SAFETY: called only when the CPU has AVX2 and FMA (four_lanes).
    unsafe { lanes::exp_and_log1p(&z, &mut c, &mut d) };
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
    bits(&a) == bits(&c) && bits(&b) == bits(&d)
}

#[cfg(target_arch = "x86_64")]
mod lanes {
    use std::arch::x86_64::*;

    // glibc's `__exp_data`: N/ln 2, −ln 2/N in two parts, the polynomial, the shift.
    const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
    const NEG_LN2_HI_N: f64 = f64::from_bits(0xbf76_2e42_fefa_0000);
    const NEG_LN2_LO_N: f64 = f64::from_bits(0xbd0c_f79a_bc9e_3b3a);
    const C2: f64 = f64::from_bits(0x3fdf_ffff_ffff_fdbd);
    const C3: f64 = f64::from_bits(0x3fc5_5555_5555_543c);
    const C4: f64 = f64::from_bits(0x3fa5_5555_cf17_2b91);
    const C5: f64 = f64::from_bits(0x3f81_1111_67a4_d017);
    const SHIFT: f64 = f64::from_bits(0x4338_0000_0000_0000);

    // fdlibm's log1p: ln 2 in two parts and the polynomial Lp1..Lp7.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const LP: [f64; 8] = [
        0.0,
        f64::from_bits(0x3fe5_5555_5555_5593),
        f64::from_bits(0x3fd9_9999_9997_fa04),
        f64::from_bits(0x3fd2_4924_9422_9359),
        f64::from_bits(0x3fcc_71c5_1d8e_78af),
        f64::from_bits(0x3fc7_4664_96cb_03de),
        f64::from_bits(0x3fc3_9a09_d078_c69f),
        f64::from_bits(0x3fc2_f112_df3e_5244),
    ];

    /// 2^(k/128) = H_k·(1 + T_k): entry 2k is T_k's bits, 2k+1 H_k's less k·2^52/128
    /// (`scripts/exp-table` prints it from that definition).
    static TABLE: [u64; 256] = [
        0x0000000000000000, 0x3ff0000000000000, 0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335,
        0xbc7160139cd8dc5d, 0x3fefec9a3e778061, 0xbc905e7a108766d1, 0x3fefe315e86e7f85,
        0x3c8cd2523567f613, 0x3fefd9b0d3158574, 0xbc8bce8023f98efa, 0x3fefd06b29ddf6de,
        0x3c60f74e61e6c861, 0x3fefc74518759bc8, 0x3c90a3e45b33d399, 0x3fefbe3ecac6f383,
        0x3c979aa65d837b6d, 0x3fefb5586cf9890f, 0x3c8eb51a92fdeffc, 0x3fefac922b7247f7,
        0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2, 0xbc6a033489906e0b, 0x3fef9b66affed31b,
        0xbc9556522a2fbd0e, 0x3fef9301d0125b51, 0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc,
        0xbc91c923b9d5f416, 0x3fef829aaea92de0, 0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51,
        0xbc801b15eaa59348, 0x3fef72b83c7d517b, 0xbc8f1ff055de323d, 0x3fef6af9388c8dea,
        0x3c8b898c3f1353bf, 0x3fef635beb6fcb75, 0xbc96d99c7611eb26, 0x3fef5be084045cd4,
        0x3c9aecf73e3a2f60, 0x3fef54873168b9aa, 0xbc8fe782cb86389d, 0x3fef4d5022fcd91d,
        0x3c8a6f4144a6c38d, 0x3fef463b88628cd6, 0x3c807a05b0e4047d, 0x3fef3f49917ddc96,
        0x3c968efde3a8a894, 0x3fef387a6e756238, 0x3c875e18f274487d, 0x3fef31ce4fb2a63f,
        0x3c80472b981fe7f2, 0x3fef2b4565e27cdd, 0xbc96b87b3f71085e, 0x3fef24dfe1f56381,
        0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1, 0xbc3d219b1a6fbffa, 0x3fef187fd0dad990,
        0x3c8b3782720c0ab4, 0x3fef1285a6e4030b, 0x3c6e149289cecb8f, 0x3fef0cafa93e2f56,
        0x3c834d754db0abb6, 0x3fef06fe0a31b715, 0x3c864201e2ac744c, 0x3fef0170fc4cd831,
        0x3c8fdd395dd3f84a, 0x3feefc08b26416ff, 0xbc86a3803b8e5b04, 0x3feef6c55f929ff1,
        0xbc924aedcc4b5068, 0x3feef1a7373aa9cb, 0xbc9907f81b512d8e, 0x3feeecae6d05d866,
        0xbc71d1e83e9436d2, 0x3feee7db34e59ff7, 0xbc991919b3ce1b15, 0x3feee32dc313a8e5,
        0x3c859f48a72a4c6d, 0x3feedea64c123422, 0xbc9312607a28698a, 0x3feeda4504ac801c,
        0xbc58a78f4817895b, 0x3feed60a21f72e2a, 0xbc7c2c9b67499a1b, 0x3feed1f5d950a897,
        0x3c4363ed60c2ac11, 0x3feece086061892d, 0x3c9666093b0664ef, 0x3feeca41ed1d0057,
        0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0, 0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de,
        0x3c7690cebb7aafb0, 0x3feebfdad5362a27, 0x3c931dbdeb54e077, 0x3feebcb299fddd0d,
        0xbc8f94340071a38e, 0x3feeb9b2769d2ca7, 0xbc87deccdc93a349, 0x3feeb6daa2cf6642,
        0xbc78dec6bd0f385f, 0x3feeb42b569d4f82, 0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f,
        0x3c93350518fdd78e, 0x3feeaf4736b527da, 0x3c7b98b72f8a9b05, 0x3feead12d497c7fd,
        0x3c9063e1e21c5409, 0x3feeab07dd485429, 0x3c34c7855019c6ea, 0x3feea9268a5946b7,
        0x3c9432e62b64c035, 0x3feea76f15ad2148, 0xbc8ce44a6199769f, 0x3feea5e1b976dc09,
        0xbc8c33c53bef4da8, 0x3feea47eb03a5585, 0xbc845378892be9ae, 0x3feea34634ccc320,
        0xbc93cedd78565858, 0x3feea23882552225, 0x3c5710aa807e1964, 0x3feea155d44ca973,
        0xbc93b3efbf5e2228, 0x3feea09e667f3bcd, 0xbc6a12ad8734b982, 0x3feea012750bdabf,
        0xbc6367efb86da9ee, 0x3fee9fb23c651a2f, 0xbc80dc3d54e08851, 0x3fee9f7df9519484,
        0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74, 0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174,
        0xbc8619321e55e68a, 0x3fee9feb564267c9, 0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f,
        0xbc7b32dcb94da51d, 0x3feea11473eb0187, 0x3c94ecfd5467c06b, 0x3feea1ed0130c132,
        0x3c65ebe1abd66c55, 0x3feea2f336cf4e62, 0xbc88a1c52fb3cf42, 0x3feea427543e1a12,
        0xbc9369b6f13b3734, 0x3feea589994cce13, 0xbc805e843a19ff1e, 0x3feea71a4623c7ad,
        0xbc94d450d872576e, 0x3feea8d99b4492ed, 0x3c90ad675b0e8a00, 0x3feeaac7d98a6699,
        0x3c8db72fc1f0eab4, 0x3feeace5422aa0db, 0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c,
        0x3c7bf68359f35f44, 0x3feeb1ae99157736, 0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6,
        0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5, 0xbc6c23f97c90b959, 0x3feeba44cbc8520f,
        0xbc92434322f4f9aa, 0x3feebd829fde4e50, 0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba,
        0x3c71affc2b91ce27, 0x3feec49182a3f090, 0x3c6dd235e10a73bb, 0x3feec86319e32323,
        0xbc87c50422622263, 0x3feecc667b5de565, 0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33,
        0xbc91bbd1d3bcbb15, 0x3feed503b23e255d, 0x3c90cc319cee31d2, 0x3feed99e1330b358,
        0x3c8469846e735ab3, 0x3feede6b5579fdbf, 0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a,
        0x3c8c1a7792cb3387, 0x3feee89f995ad3ad, 0xbc907b8f4ad1d9fa, 0x3feeee07298db666,
        0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb, 0xbc90a40e3da6f640, 0x3feef9728de5593a,
        0xbc68d6f438ad9334, 0x3feeff76f2fb5e47, 0xbc91eee26b588a35, 0x3fef05b030a1064a,
        0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2, 0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09,
        0x3c736eae30af0cb3, 0x3fef199bdd85529c, 0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a,
        0x3c84e08fd10959ac, 0x3fef27f12e57d14b, 0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5,
        0x3c676b2c6c921968, 0x3fef3720dcef9069, 0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa,
        0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c, 0xbc900dae3875a949, 0x3fef4f87080d89f2,
        0x3c74a385a63d07a7, 0x3fef5818dcfba487, 0xbc82919e2040220f, 0x3fef60e316c98398,
        0x3c8e5a50d5c192ac, 0x3fef69e603db3285, 0x3c843a59ac016b4b, 0x3fef7321f301b460,
        0xbc82d52107b43e1f, 0x3fef7c97337b9b5f, 0xbc892ab93b470dc9, 0x3fef864614f5a129,
        0x3c74b604603a88d3, 0x3fef902ee78b3ff6, 0x3c83c5ec519d7271, 0x3fef9a51fbc74c83,
        0xbc8ff7128fd391f0, 0x3fefa4afa2a490da, 0xbc8dae98e223747d, 0x3fefaf482d8e67f1,
        0x3c8ec3bc41aa2008, 0x3fefba1bee615a27, 0x3c842b94c3a9eb32, 0x3fefc52b376bba97,
        0x3c8a64a931d185ee, 0x3fefd0765b6e4540, 0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14,
        0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8, 0x3c5305c14160cc89, 0x3feff3c22b8f71f1,
    ];
    /// [`super::exp_and_log1p`] into slices of the margins' length.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn exp_and_log1p(margins: &[f64], exps: &mut [f64], logs: &mut [f64]) {
        let whole = margins.len() - margins.len() % 4;
        for r in (0..whole).step_by(4) {
            let z = _mm256_loadu_pd(margins.as_ptr().add(r));
            let (e, e_fast) = exp_of_negative_abs(z);
            let (l, l_fast) = log1p(e);
            _mm256_storeu_pd(exps.as_mut_ptr().add(r), e);
            _mm256_storeu_pd(logs.as_mut_ptr().add(r), l);
            if e_fast & l_fast != 0b1111 {
                super::scalar(&margins[r..r + 4], &mut exps[r..r + 4], &mut logs[r..r + 4]);
            }
        }
        super::scalar(&margins[whole..], &mut exps[whole..], &mut logs[whole..]);
    }

    /// e^x of x = −|z| in each lane, and a mask of the lanes it holds for: 2^-54 ≤ |z| < 512
    /// (glibc's main path; the rest are its special cases).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn exp_of_negative_abs(z: __m256d) -> (__m256d, i32) {
        let sign = _mm256_set1_pd(-0.0);
        let abs = _mm256_andnot_pd(sign, z);
        let x = _mm256_or_pd(sign, abs);
        let inside = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GE_OQ>(abs, _mm256_set1_pd(f64::from_bits(0x3c90_0000_0000_0000))),
            _mm256_cmp_pd::<_CMP_LT_OQ>(abs, _mm256_set1_pd(512.0)),
        );
        let shift = _mm256_set1_pd(SHIFT);
        // x = k·ln 2/N + r, |r| ≤ ln 2/2N; k rounded by the shift.
        let kd = _mm256_fmadd_pd(x, _mm256_set1_pd(INV_LN2_N), shift);
        let ki = _mm256_castpd_si256(kd);
        let kd = _mm256_sub_pd(kd, shift);
        let r = _mm256_fmadd_pd(kd, _mm256_set1_pd(NEG_LN2_HI_N), x);
        let r = _mm256_fmadd_pd(kd, _mm256_set1_pd(NEG_LN2_LO_N), r);
        let index = _mm256_slli_epi64::<1>(_mm256_and_si256(ki, _mm256_set1_epi64x(0x7f)));
        let table = TABLE.as_ptr() as *const i64;
        let tail = _mm256_castsi256_pd(_mm256_i64gather_epi64::<8>(table, index));
        let scale_bits = _mm256_add_epi64(
            _mm256_i64gather_epi64::<8>(table.add(1), index),
            _mm256_slli_epi64::<45>(ki),
        );
        let low = _mm256_fmadd_pd(r, _mm256_set1_pd(C3), _mm256_set1_pd(C2));
        let tail_r = _mm256_add_pd(r, tail);
        let r2 = _mm256_mul_pd(r, r);
        let high = _mm256_fmadd_pd(r, _mm256_set1_pd(C5), _mm256_set1_pd(C4));
        let sum = _mm256_fmadd_pd(low, r2, tail_r);
        let r4 = _mm256_mul_pd(r2, r2);
        let tmp = _mm256_fmadd_pd(r4, high, sum);
        let scale = _mm256_castsi256_pd(scale_bits);
        (_mm256_fmadd_pd(scale, tmp, scale), _mm256_movemask_pd(inside))
    }

    /// ln(1 + x) in each lane, and a mask of the lanes it holds for: 2^-29 ≤ x < 1 outside
    /// fdlibm's |f| < 2^-20 branch.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn log1p(x: __m256d) -> (__m256d, i32) {
        let one = _mm256_set1_pd(1.0);
        let bits = _mm256_castpd_si256(x);
        let hx = _mm256_srli_epi64::<32>(bits);
        // Below √2 − 1: f = x, k = 0. From it: 1 + x = 2^k·(1 + f), with a correction c.
        let reduced = _mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(0x3fda_8279));
        let u = _mm256_add_pd(x, one);
        let u_bits = _mm256_castpd_si256(u);
        let hu_full = _mm256_srli_epi64::<32>(u_bits);
        let k0 = _mm256_sub_epi64(_mm256_srli_epi64::<20>(hu_full), _mm256_set1_epi64x(1023));
        let k_positive = _mm256_castsi256_pd(_mm256_cmpgt_epi64(k0, _mm256_setzero_si256()));
        let c = _mm256_blendv_pd(
            _mm256_sub_pd(x, _mm256_sub_pd(u, one)),
            _mm256_sub_pd(one, _mm256_sub_pd(u, x)),
            k_positive,
        );
        let c = _mm256_div_pd(c, u);
        let hu = _mm256_and_si256(hu_full, _mm256_set1_epi64x(0xfffff));
        let below_root2 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(0x6a09e), hu);
        let low_word = _mm256_and_si256(u_bits, _mm256_set1_epi64x(0xffff_ffff));
        let high_word = _mm256_blendv_epi8(
            _mm256_or_si256(hu, _mm256_set1_epi64x(0x3fe0_0000)),
            _mm256_or_si256(hu, _mm256_set1_epi64x(0x3ff0_0000)),
            below_root2,
        );
        let u_normal = _mm256_castsi256_pd(_mm256_or_si256(low_word, _mm256_slli_epi64::<32>(high_word)));
        let k_reduced = _mm256_sub_epi64(k0, _mm256_andnot_si256(below_root2, _mm256_set1_epi64x(-1)));
        let hu_reduced = _mm256_blendv_epi8(
            _mm256_srli_epi64::<2>(_mm256_sub_epi64(_mm256_set1_epi64x(0x10_0000), hu)),
            hu,
            below_root2,
        );
        let reduced_pd = _mm256_castsi256_pd(reduced);
        let f = _mm256_blendv_pd(x, _mm256_sub_pd(u_normal, one), reduced_pd);
        let k = _mm256_and_si256(reduced, k_reduced);
        let hfsq = _mm256_mul_pd(_mm256_mul_pd(f, _mm256_set1_pd(0.5)), f);
        let s = _mm256_div_pd(f, _mm256_add_pd(f, _mm256_set1_pd(2.0)));
        let z = _mm256_mul_pd(s, s);
        let lp = |i: usize| _mm256_set1_pd(LP[i]);
        let r2 = _mm256_fmadd_pd(z, lp(3), lp(2));
        let r3 = _mm256_fmadd_pd(z, lp(5), lp(4));
        let r4 = _mm256_fmadd_pd(z, lp(7), lp(6));
        let z2 = _mm256_mul_pd(z, z);
        let z4 = _mm256_mul_pd(z2, z2);
        let z6 = _mm256_mul_pd(z2, z4);
        let sum = _mm256_mul_pd(z2, r2);
        let sum = _mm256_fmadd_pd(z, lp(1), sum);
        let sum = _mm256_fmadd_pd(z4, r3, sum);
        let big_r = _mm256_fmadd_pd(z6, r4, sum);
        let w = _mm256_mul_pd(_mm256_add_pd(big_r, hfsq), s);
        let without_k = _mm256_sub_pd(f, _mm256_sub_pd(hfsq, w));
        // k as a double: exact for the small whole k here (2^52 + k, less 2^52).
        let two52 = _mm256_set1_pd(f64::from_bits(0x4330_0000_0000_0000));
        let kf = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(k, _mm256_castpd_si256(two52))), two52);
        let t = _mm256_add_pd(_mm256_fmadd_pd(kf, _mm256_set1_pd(LN2_LO), c), w);
        let t = _mm256_sub_pd(_mm256_sub_pd(hfsq, t), f);
        let with_k = _mm256_fmsub_pd(kf, _mm256_set1_pd(LN2_HI), t);
        let k_zero = _mm256_castsi256_pd(_mm256_cmpeq_epi64(k, _mm256_setzero_si256()));
        let result = _mm256_blendv_pd(with_k, without_k, k_zero);
        // Lanes on fdlibm's other branches: x below 2^-29, x ≥ 1 (or NaN), and |f| < 2^-20.
        let hu_zero = _mm256_and_si256(reduced, _mm256_cmpeq_epi64(hu_reduced, _mm256_setzero_si256()));
        let inside = _mm256_andnot_pd(
            _mm256_castsi256_pd(hu_zero),
            _mm256_and_pd(
                _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(f64::from_bits(0x3e20_0000_0000_0000))),
                _mm256_cmp_pd::<_CMP_LT_OQ>(x, one),
            ),
        );
        (result, _mm256_movemask_pd(inside))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Margins of every magnitude the fits meet and beyond, both signs, the specials, and
    /// lengths that end in part of a group of four.
    fn margins(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|i| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
                let z = match i % 5 {
                    0 => unit * 40.0,
                    1 => (unit * 60.0 - 45.0).exp(),
                    2 => unit * 1000.0,
                    3 => unit * 2.0,
                    _ => f64::from_bits(state >> 2),
                };
                if state & 1 == 0 { -z } else { z }
            })
            .collect()
    }

    #[test]
    fn every_row_has_the_scalar_calls_bits() {
        let mut z = margins(2_000_003, 7);
        z.extend([0.0, -0.0, f64::NAN, f64::INFINITY, -f64::INFINITY, 5e-324, 2f64.powi(-54), 512.0, -511.9999]);
        let (mut a, mut b) = (vec![0.0; z.len()], vec![0.0; z.len()]);
        scalar(&z, &mut a, &mut b);
        for len in [z.len(), 0, 1, 3, 4, 5, 7] {
            let (c, d) = exp_and_log1p(&z[..len]);
            assert_eq!(bits(&c), bits(&a[..len]), "e^-|z|, {len} margins");
            assert_eq!(bits(&d), bits(&b[..len]), "ln(1 + e^-|z|), {len} margins");
        }
    }

    /// On x86-64 glibc with FMA the four lanes are what runs (else the test above only
    /// checks the scalar calls against themselves).
    #[test]
    #[cfg(all(target_arch = "x86_64", target_env = "gnu"))]
    fn glibc_with_fma_runs_the_four_lanes() {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            assert!(lanes_agree(), "the four lanes differ from this glibc's exp or log1p");
            assert!(four_lanes());
        }
    }
}
