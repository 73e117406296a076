//! Special functions needed for p-values, written out so the crate stays dependency-light.

/// ln Γ(x) for x > 0 (Lanczos approximation of Numerical Recipes 3rd ed., ~1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    #[allow(clippy::excessive_precision)] // published coefficients, kept verbatim
    const COF: [f64; 14] = [
        57.156_235_665_862_92,
        -59.597_960_355_475_49,
        14.136_097_974_741_747,
        -0.491_913_816_097_620_2,
        0.339_946_499_848_118_9e-4,
        0.465_236_289_270_485_76e-4,
        -0.983_744_753_048_795_6e-4,
        0.158_088_703_224_912_5e-3,
        -0.210_264_441_724_104_88e-3,
        0.217_439_618_115_212_64e-3,
        -0.164_318_106_536_763_9e-3,
        0.844_182_239_838_527_4e-4,
        -0.261_908_384_015_814_1e-4,
        0.368_991_826_595_316_23e-5,
    ];
    if !(x > 0.0) {
        return f64::NAN;
    }
    let mut y = x;
    let tmp = x + 5.242_187_5;
    let tmp = (x + 0.5) * tmp.ln() - tmp;
    let mut ser = 0.999_999_999_999_997_1;
    for c in COF {
        y += 1.0;
        ser += c / y;
    }
    tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

/// Regularised upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), accurate to ~1e-14 relative.
pub fn regularized_gamma_q(a: f64, x: f64) -> f64 {
    if !(a > 0.0) || x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == f64::INFINITY {
        return 0.0;
    }
    let log_prefactor = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x); Q = 1 − P.
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        1.0 - sum * log_prefactor.exp()
    } else {
        // Continued fraction for Q(a, x), modified Lentz.
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-17 {
                break;
            }
        }
        log_prefactor.exp() * h
    }
}

/// Chi-square survival function P(X > x) with `df` degrees of freedom.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    regularized_gamma_q(df / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Q(k, x) = e^{−x} Σ_{i<k} x^i/i! for integer k: exact reference.
    fn q_integer(k: u32, x: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        for i in 1..k {
            term *= x / i as f64;
            sum += term;
        }
        (-x).exp() * sum
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-14);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
        assert!((ln_gamma(101.0) - 363.739_375_555_563_5).abs() < 1e-11);
    }

    #[test]
    fn gamma_q_matches_closed_form() {
        for &k in &[1u32, 2, 4, 7, 15] {
            for &x in &[0.1, 0.5, 1.0, 3.0, 4.5, 8.0, 20.0, 37.097_971_488_983_38, 60.0] {
                let exact = q_integer(k, x);
                let got = regularized_gamma_q(k as f64, x);
                assert!(
                    ((got - exact) / exact).abs() < 1e-12,
                    "k={k} x={x} got={got} exact={exact}"
                );
            }
        }
        // chi2 with 1 df at 3.841458820694124 is 0.05
        assert!((chi2_sf(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-13);
    }
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (Acklam's rational
/// approximation, relative error below 1.2e-9); NaN outside (0, 1).
#[allow(clippy::excessive_precision)] // the published coefficients, kept verbatim
pub fn normal_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    const A: [f64; 6] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    const B: [f64; 5] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    const C: [f64; 6] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const P_LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

#[cfg(test)]
mod normal_quantile_tests {
    use super::normal_quantile;

    #[test]
    fn known_quantiles() {
        // scipy.stats.norm.ppf
        for (p, z) in [(0.95, 1.6448536269514722), (0.975, 1.959963984540054), (0.5, 0.0), (0.01, -2.3263478740408408), (0.999, 3.090232306167813)] {
            assert!((normal_quantile(p) - z).abs() < 1e-8, "{p}: {}", normal_quantile(p));
        }
        assert!(normal_quantile(0.0).is_nan() && normal_quantile(1.0).is_nan());
    }
}
