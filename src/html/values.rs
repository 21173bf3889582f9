//! How values print on the pages: units by key, grouped digits, escapes, intervals, and
//! values read out of JSON trees.

use serde_json::Value;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// What a key measures, from its name: how to print its values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Yuan,
    Share,
    Hours,
    Count,
    Plain,
}

fn unit_of(key: &str) -> Unit {
    let k = key.trim_end_matches("_mean");
    if k.ends_with("_rate") || k.ends_with("_share") || k == "share" || k == "utilisation" {
        Unit::Share
    } else if k.contains("yuan")
        || k.ends_with("_margin")
        || k.ends_with("_cost")
        || k.ends_with("_fee")
        || k.ends_with("_price")
        || k.ends_with("_per_order")
        || k == "shapley"
    {
        Unit::Yuan
    } else if k.contains("hours") {
        Unit::Hours
    } else if k.starts_with("parcels")
        || k.contains("_parcels")
        || k.starts_with("orders")
        || k.ends_with("_count")
        || k == "surges"
    {
        Unit::Count
    } else {
        Unit::Plain
    }
}

/// A number grouped by thin spaces: 11 278 333.
pub(super) fn grouped(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if v < 0.0 && s != "0" {
        format!("−{out}")
    } else {
        out
    }
}

/// Three significant figures, never in exponent form.
pub(super) fn sig3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            v.to_string()
        };
    }
    let mag = v.abs().log10().floor() as i32;
    if mag >= 3 || v.fract() == 0.0 {
        return grouped(v);
    }
    let decimals = (2 - mag).max(0) as usize;
    let s = format!("{:.*}", decimals, v);
    s.replace('-', "−")
}

/// A value as shown, with its unit: `5.503 yuan`, `89.1 %`, `44.4 h`, `3 000 051`.
pub fn fmt_value(key: &str, v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    match unit_of(key) {
        Unit::Yuan => {
            let s = if v.abs() >= 100.0 {
                grouped(v)
            } else {
                format!("{v:.3}").replace('-', "−")
            };
            format!("{s} yuan")
        }
        Unit::Share => {
            let pct = v * 100.0;
            let s = if pct == 0.0 || pct == 100.0 {
                format!("{pct:.0}")
            } else if pct.abs() < 1.0 {
                format!("{pct:.2}")
            } else {
                format!("{pct:.1}")
            };
            format!("{} %", s.replace('-', "−"))
        }
        Unit::Hours => format!("{} h", sig3(v)),
        Unit::Count => grouped(v),
        Unit::Plain => sig3(v),
    }
}

/// A JSON value as a table cell.
pub(super) fn cell_of(key: &str, v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) => format!(
                "<span data-key=\"{}\" data-value=\"{x}\">{}</span>",
                esc(key),
                fmt_value(key, x)
            ),
            None => esc(&n.to_string()),
        },
        Value::String(s) => esc(s),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Null => "—".into(),
        other => esc(&other.to_string()),
    }
}

/// The scalars of `v`, paths joined by " · ", arrays of scalars as one list.
pub(super) fn flatten(prefix: &str, v: &Value, skip: &[&str], out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix} · {k}")
                };
                flatten(&p, x, skip, out);
            }
        }
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let text: Vec<String> = a
                .iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            out.push((prefix.to_string(), Value::String(text.join(", "))));
        }
        Value::Array(_) => {}
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

/// `operating_model · franchise · head_office_margin` → `operating model · franchise · head office margin`.
pub(super) fn humanise_path(path: &str) -> String {
    path.replace('_', " ")
}

/// A number from a JSON object, if there is one.
pub(super) fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

pub(super) fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn dotted<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

pub(super) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() >= 1000.0 => grouped(x),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The metrics shown for each sweep point and compared scenario, with labels.
pub(super) const METRICS: [(&str, &str); 9] = [
    ("cost_per_parcel_yuan", "cost per parcel"),
    (
        "marginal_cost_per_parcel_yuan",
        "marginal cost per extra parcel",
    ),
    ("net_cost_per_parcel_yuan", "net of other revenue"),
    ("on_time_rate", "on time"),
    ("transit_hours_mean", "transit, mean"),
    ("transit_hours_p95", "transit, p95"),
    ("truck_fill_rate", "line-haul fill"),
    ("late_rate", "late"),
    ("complaints_per_million", "complaints per million"),
];

/// `mean [lo, hi]` of an interval.
pub(super) fn with_ci(key: &str, mean: f64, ci: Option<(f64, f64)>) -> String {
    with_ci_as(key, key, mean, ci)
}

/// [`with_ci`] under the data key `key`, printed in the unit of `unit_key`.
pub(super) fn with_ci_as(key: &str, unit_key: &str, mean: f64, ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((lo, hi)) => format!(
            "<span data-key=\"{k}\" data-value=\"{mean}\">{}</span><br><span class=\"note\">[{}, {}]</span>",
            fmt_value(unit_key, mean),
            fmt_value(unit_key, lo),
            fmt_value(unit_key, hi),
            k = esc(key)
        ),
        None => format!(
            "<span data-key=\"{k}\" data-value=\"{mean}\">{}</span>",
            fmt_value(unit_key, mean),
            k = esc(key)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_with_their_units() {
        assert_eq!(fmt_value("on_time_rate", 1.0), "100 %");
        assert_eq!(fmt_value("on_time_rate", 0.8912), "89.1 %");
        assert_eq!(fmt_value("late_rate", 0.0012), "0.12 %");
        assert_eq!(fmt_value("cost_per_parcel_yuan", 5.5034), "5.503 yuan");
        assert_eq!(fmt_value("transit_hours_mean", 44.43), "44.4 h");
        assert_eq!(
            fmt_value("parcels_generated", 11278333.0),
            "11\u{202f}278\u{202f}333"
        );
        assert_eq!(fmt_value("shapley", -0.200351), "−0.200 yuan");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
