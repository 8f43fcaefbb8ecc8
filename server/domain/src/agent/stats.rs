//! The statistics behind experiment results: a chi-square test of independence.

/// p-value of the chi-square test that success rates do not depend on the group, for groups
/// given as (successes, failures). `None` when the test is undefined: fewer than two groups,
/// an empty group, or no variation at all.
pub(crate) fn chi_square_p_value(groups: &[(i64, i64)]) -> Option<f64> {
    if groups.len() < 2 || groups.iter().any(|(s, f)| s + f == 0) {
        return None;
    }
    let successes: i64 = groups.iter().map(|(s, _)| s).sum();
    let failures: i64 = groups.iter().map(|(_, f)| f).sum();
    if successes == 0 || failures == 0 {
        return None;
    }
    let total = (successes + failures) as f64;
    let mut statistic = 0.0;
    for &(s, f) in groups {
        let row = (s + f) as f64;
        for (observed, column) in [(s, successes), (f, failures)] {
            let expected = row * column as f64 / total;
            statistic += (observed as f64 - expected).powi(2) / expected;
        }
    }
    let degrees = (groups.len() - 1) as f64;
    Some(upper_regularized_gamma(degrees / 2.0, statistic / 2.0).clamp(0.0, 1.0))
}

/// Q(a, x) = Γ(a, x) / Γ(a): a series below `a + 1`, a continued fraction above (both
/// converge fast there).
fn upper_regularized_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..500 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        1.0 - sum * log_prefix.exp()
    } else {
        // Modified Lentz for the continued fraction of Γ(a, x).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..500 {
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
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        log_prefix.exp() * h
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the approximation in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, coefficient) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += coefficient / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 1e-4
    }

    #[test]
    fn gamma_matches_known_values() {
        assert!(close(ln_gamma(5.0), 24f64.ln()));
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln()));
    }

    #[test]
    fn p_values_match_reference_tables() {
        // 2×2: 30/70 vs 50/50 → χ² = 8.3333, df 1, p = 0.003892.
        let p = chi_square_p_value(&[(30, 70), (50, 50)]).unwrap();
        assert!(close(p, 0.003_892), "{p}");
        // Identical rates → χ² = 0 → p = 1.
        assert!(close(
            chi_square_p_value(&[(10, 10), (20, 20)]).unwrap(),
            1.0
        ));
        // 3 groups, df 2: χ² = 20/3 → p = e^(-10/3) = 0.035674.
        let p = chi_square_p_value(&[(10, 20), (20, 10), (15, 15)]).unwrap();
        assert!(close(p, 0.035_674), "{p}");
        // Large statistic: the continued-fraction branch.
        let p = chi_square_p_value(&[(900, 100), (100, 900)]).unwrap();
        assert!(p < 1e-100, "{p}");
    }

    #[test]
    fn undefined_tests_are_none() {
        assert_eq!(chi_square_p_value(&[(3, 4)]), None);
        assert_eq!(chi_square_p_value(&[(3, 4), (0, 0)]), None);
        assert_eq!(chi_square_p_value(&[(3, 0), (5, 0)]), None);
    }
}
