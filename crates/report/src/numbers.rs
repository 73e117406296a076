//! Every number the report and its charts write, formatted in one place: shares
//! as percents ("54.1 %", "54 %"), ranges ("49.9–58.5 %"), plain numbers, and the
//! interval level in words. A value that is not a number prints as "-" (tables)
//! or is left out of prose by the caller.

/// A share as a percent with `decimals` decimals: 0.541 → "54.1 %"; not finite → "-".
pub fn pct(v: f64, decimals: usize) -> String {
    mqlcal_tidy::percent(v, decimals)
}

/// A share with one decimal (tables and prose): "54.1 %".
pub fn pct1(v: f64) -> String {
    pct(v, 1)
}

/// A share rounded to a whole percent (chart titles, labels and axes): "54 %".
pub fn pct0(v: f64) -> String {
    pct(v, 0)
}

/// [`pct1`] of an optional share; none → "-".
pub fn opt_pct1(v: Option<f64>) -> String {
    v.map_or("-".into(), pct1)
}

/// A plotters axis label formatter: whole percents.
pub fn axis_pct(v: &f64) -> String {
    pct0(*v)
}

/// Two shares as one range with the unit once: "49.9–58.5 %"; "-" when either is missing.
pub fn pct_range(lo: Option<f64>, hi: Option<f64>, decimals: usize) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
            format!("{:.decimals$}–{:.decimals$} %", 100.0 * l, 100.0 * h)
        }
        _ => "-".into(),
    }
}

/// A number with `decimals` decimals; not finite → "-".
pub fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "-".into()
    }
}

/// A count a month for prose: whole from 10 up, one decimal below ("123", "2.3").
pub fn per_month(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if x >= 10.0 || (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The interval level as it is written everywhere: 0.9 → "90 %", 0.95 → "95 %", 0.975 → "97.5 %".
pub fn level(confidence: f64) -> String {
    let p = 100.0 * confidence;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_format_per_kind() {
        assert_eq!(pct1(0.5412), "54.1 %");
        assert_eq!(pct0(0.5412), "54 %");
        assert_eq!(pct1(f64::NAN), "-");
        assert_eq!(opt_pct1(None), "-");
        assert_eq!(axis_pct(&0.3), "30 %");
        assert_eq!(pct_range(Some(0.499), Some(0.585), 1), "49.9–58.5 %");
        assert_eq!(pct_range(Some(0.499), None, 1), "-");
        assert_eq!(num(123.456, 1), "123.5");
        assert_eq!(num(f64::INFINITY, 1), "-");
        assert_eq!(per_month(123.4), "123");
        assert_eq!(per_month(2.333), "2.3");
        assert_eq!(per_month(3.0), "3");
        assert_eq!(level(0.9), "90 %");
        assert_eq!(level(0.975), "97.5 %");
    }
}
