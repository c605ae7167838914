//! Small pure statistical helpers shared by the metrics. Each returns `None`
//! where the statistic is undefined, never a made-up 0.

/// Restricts `x` to `[lo, hi]`; a NaN becomes `lo`.
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() { lo } else { x.max(lo).min(hi) }
}

/// `numerator ÷ denominator`, undefined when the denominator is 0.
pub fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Arithmetic mean, undefined for no values.
///
/// Values are summed in sorted order so that the result does not depend on
/// the order of the input, down to the last bit.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(sorted.iter().sum::<f64>() / sorted.len() as f64)
}

/// Gini coefficient of non-negative values, zeros included:
/// sort ascending, `G = Σ_i (2i − n − 1)·x_i / (n·Σx)` for `i = 1..n`.
/// Undefined when `n < 2` or `Σx = 0`.
pub fn gini(values: &[f64]) -> Option<f64> {
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Summed in sorted order so the result does not depend on input order.
    let total: f64 = sorted.iter().sum();
    if n < 2 || total <= 0.0 {
        return None;
    }
    let n_f = n as f64;
    let weighted: f64 = sorted.iter().enumerate().map(|(idx, x)| (2.0 * (idx as f64 + 1.0) - n_f - 1.0) * x).sum();
    Some(weighted / (n_f * total))
}

/// Agreement index of Hix, Noury and Roland (2005):
/// `(max(Y,N,A) − (T − max(Y,N,A)) / 2) / T`, defined when `T ≥ 2`.
pub fn agreement_index(yes: u64, no: u64, abstain: u64) -> Option<f64> {
    let total = yes + no + abstain;
    if total < 2 {
        return None;
    }
    let max = yes.max(no).max(abstain) as f64;
    let total = total as f64;
    Some((max - (total - max) / 2.0) / total)
}

/// Rice index (Rice 1925): `|Y − N| / (Y + N)`, defined when `Y + N ≥ 2`.
pub fn rice_index(yes: u64, no: u64) -> Option<f64> {
    let total = yes + no;
    (total >= 2).then(|| yes.abs_diff(no) as f64 / total as f64)
}

/// Effective number of parties (Laakso and Taagepera 1979) from shares:
/// `1 / Σ p²`. Undefined when the shares square-sum to 0.
pub fn enp(shares: &[f64]) -> Option<f64> {
    let sum_sq: f64 = shares.iter().map(|p| p * p).sum();
    (sum_sq > 0.0).then(|| 1.0 / sum_sq)
}

/// Effective number of parties from group sizes (shares are sizes ÷ total).
/// Undefined when the total is 0.
pub fn enp_from_counts(counts: &[u64]) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let total = total as f64;
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 / total).collect();
    enp(&shares)
}

/// Days from `earlier` to `later`, fractional (negative when `later` is earlier).
pub fn days_between(earlier: chrono::DateTime<chrono::Utc>, later: chrono::DateTime<chrono::Utc>) -> f64 {
    (later - earlier).num_milliseconds() as f64 / 86_400_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < tol)
    }

    #[test]
    fn agreement_index_of_10_10_100_is_0_75() {
        assert!(close(agreement_index(10, 10, 100), 0.75, 1e-12));
    }

    #[test]
    fn rice_index_of_10_10_is_0() {
        assert!(close(rice_index(10, 10), 0.0, 1e-12));
    }

    #[test]
    fn agreement_index_of_15_2_5_is_0_5227() {
        assert!(close(agreement_index(15, 2, 5), 0.5227, 5e-5));
    }

    #[test]
    fn agreement_index_is_undefined_below_two_votes() {
        assert_eq!(agreement_index(1, 0, 0), None);
        assert_eq!(agreement_index(0, 0, 0), None);
        assert!(close(agreement_index(2, 0, 0), 1.0, 1e-12));
    }

    #[test]
    fn rice_index_of_3_yes_1_no_is_0_5() {
        assert!(close(rice_index(3, 1), 0.5, 1e-12));
    }

    #[test]
    fn rice_index_of_5_5_is_0() {
        assert!(close(rice_index(5, 5), 0.0, 1e-12));
    }

    #[test]
    fn rice_index_of_a_single_voter_is_undefined() {
        assert_eq!(rice_index(1, 0), None);
        assert_eq!(rice_index(0, 1), None);
    }

    #[test]
    fn gini_of_reference_list_is_0_2373737() {
        let xs = [8.0, 5.0, 1.0, 3.0, 5.0, 6.0, 7.0, 6.0, 3.0];
        assert!(close(gini(&xs), 0.237_373_737_373_737_4, 1e-12));
    }

    #[test]
    fn gini_of_999_zeros_and_a_one_is_0_999() {
        let mut xs = vec![0.0; 999];
        xs.push(1.0);
        assert!(close(gini(&xs), 0.999, 1e-12));
    }

    #[test]
    fn gini_is_undefined_for_one_value_or_all_zeros() {
        assert_eq!(gini(&[5.0]), None);
        assert_eq!(gini(&[0.0, 0.0]), None);
        assert!(close(gini(&[3.0, 3.0]), 0.0, 1e-12));
    }

    #[test]
    fn enp_of_80_20_is_1_4706() {
        assert!(close(enp(&[0.8, 0.2]), 1.4706, 5e-5));
        assert!(close(enp_from_counts(&[80, 20]), 1.4706, 5e-5));
    }

    #[test]
    fn enp_of_nothing_is_undefined() {
        assert_eq!(enp(&[]), None);
        assert_eq!(enp_from_counts(&[0, 0]), None);
    }

    #[test]
    fn clamp_and_mean_behave() {
        assert_eq!(clamp(1.5, 0.0, 1.0), 1.0);
        assert_eq!(clamp(-0.5, 0.0, 1.0), 0.0);
        assert_eq!(clamp(f64::NAN, 0.0, 1.0), 0.0);
        assert_eq!(mean(&[]), None);
        assert!(close(mean(&[1.0, 2.0]), 1.5, 1e-12));
        assert_eq!(ratio(1, 0), None);
    }
}
