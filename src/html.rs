//! `report.html`: one self-contained page per result folder (run, sweep, compare, explain,
//! and the instruments' marginal, sensitivity and calibrate: [`instruments`])
//! that a browser opens with no network: styles inline, charts as inline SVG, no script,
//! no font, image or link to another host.
//!
//! The page is made from the folder's own files (see [`crate::folder`]), so it says what
//! they say, and is byte-identical whenever they are. Every headline number carries a
//! `data-key` and its exact value in `data-value`, which the tests read back.

mod instruments;

use crate::error::Result;
use crate::folder::{Csv, Kind, activity_rank, read_json};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Rows of the busiest nodes and lanes shown; the rest are in the CSV files.
pub const BUSIEST: usize = 20;
/// Rows of bottlenecks shown.
const BOTTLENECKS: usize = 10;

/// Writes `DIR/report.html` for the folder's kind; `price_yuan` is the reference price the
/// charts draw. Returns the path written.
pub fn write(dir: &Path, price_yuan: f64) -> Result<PathBuf> {
    let kind = Kind::of(dir)?;
    let mut page = Page::default();
    match kind {
        Kind::Run => run_page(dir, &mut page)?,
        Kind::Sweep => sweep_page(dir, &mut page)?,
        Kind::Compare => compare_page(dir, &mut page)?,
        Kind::Explain => explain_page(dir, &mut page)?,
        Kind::Marginal | Kind::Sensitivity | Kind::Calibrate => {
            instruments::page(dir, kind, &mut page)?;
        }
    }
    page.charts(crate::plot::svg_charts(dir, price_yuan)?);
    let path = dir.join("report.html");
    crate::files::write_atomic(&path, page.finish().as_bytes())?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

/// An HTML page under construction: a title, then sections in order, the charts where
/// [`Page::charts_here`] put their place (or at the end).
#[derive(Default)]
struct Page {
    title: String,
    body: String,
    /// Byte offset in `body` where the charts go.
    chart_slot: Option<usize>,
    charts: String,
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc;padding-bottom:.2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{padding:.25em .7em;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th{background:#f4f4f4}
.lead{color:#444;white-space:pre-wrap}.note{color:#666;font-size:.88em}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:.8em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em .9em;min-width:11em}.card .v{font-size:1.5em;font-weight:600}.card .k{color:#555;font-size:.85em}.card .ci{color:#666;font-size:.8em}
figure{margin:1em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.88em}
code,pre{background:#f6f6f6;padding:.1em .3em;border-radius:3px}pre{padding:.6em;overflow-x:auto}
.pos{color:#b00}.neg{color:#070}";

impl Page {
    fn h1(&mut self, title: &str) {
        self.title = title.to_string();
    }

    fn h2(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h2>{}</h2>", esc(text));
    }

    fn h3(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", esc(text));
    }

    fn p(&mut self, class: &str, text: &str) {
        let _ = writeln!(self.body, "<p class=\"{class}\">{}</p>", esc(text));
    }

    /// Raw HTML, already escaped.
    fn raw(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// The charts go here rather than at the end.
    fn charts_here(&mut self) {
        self.chart_slot = Some(self.body.len());
    }

    fn charts(&mut self, svgs: Vec<(String, String)>) {
        let mut out = String::from("<h2>Charts</h2>\n");
        if svgs.is_empty() {
            out.push_str("<p class=\"note\">No chart for this folder.</p>\n");
        }
        for (name, svg) in svgs {
            let svg = svg.trim_start_matches(|c| c != '<');
            let svg = match svg.strip_prefix("<?xml") {
                Some(rest) => rest.split_once("?>").map_or(rest, |x| x.1),
                None => svg,
            };
            let _ = writeln!(
                out,
                "<figure id=\"chart-{}\">{}<figcaption>{} (also in plots/{}.svg and .png when drawn)</figcaption></figure>",
                esc(&name),
                svg.trim(),
                esc(&chart_caption(&name)),
                esc(&name)
            );
        }
        self.charts = out;
    }

    fn finish(self) -> String {
        let mut body = self.body;
        let at = self.chart_slot.unwrap_or(body.len());
        body.insert_str(at, &self.charts);
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{t}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<h1>{t}</h1>\n{body}<p class=\"note\">Written by parcelsim {v} from the files of this folder; every figure here is in them.</p>\n</body>\n</html>\n",
            t = esc(&self.title),
            v = env!("CARGO_PKG_VERSION"),
        )
    }

    /// Headline figures as cards: (key, label, value, interval).
    fn cards(&mut self, cards: &[Card]) {
        self.raw("<div class=\"cards\">\n");
        for c in cards {
            let ci = match c.ci {
                Some((lo, hi)) => format!(
                    "<div class=\"ci\">95 % CI {} to {}</div>",
                    fmt_value(&c.key, lo),
                    fmt_value(&c.key, hi)
                ),
                None => String::new(),
            };
            let _ = writeln!(
                self.body,
                "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\" data-key=\"{}\" data-value=\"{}\">{}</div>{ci}</div>",
                esc(&c.label),
                esc(&c.key),
                c.value,
                fmt_value(&c.key, c.value),
            );
        }
        self.raw("</div>\n");
    }

    /// A table; `numeric[i]` right-aligns column i.
    fn table(&mut self, head: &[&str], rows: &[Vec<String>], numeric: &[bool]) {
        self.raw("<table>\n<tr>");
        for (i, h) in head.iter().enumerate() {
            let class = if numeric.get(i) == Some(&true) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(self.body, "<th{class}>{}</th>", esc(h));
        }
        self.raw("</tr>\n");
        for r in rows {
            self.raw("<tr>");
            for (i, cell) in r.iter().enumerate() {
                let class = if numeric.get(i) == Some(&true) {
                    " class=\"n\""
                } else {
                    ""
                };
                // Cells are escaped by the caller through `esc` or built from numbers.
                let _ = write!(self.body, "<td{class}>{cell}</td>");
            }
            self.raw("</tr>\n");
        }
        self.raw("</table>\n");
    }

    /// Every scalar of a JSON object (nested objects flattened with " · "), one row each.
    fn object_table(&mut self, v: &Value, skip: &[&str]) {
        let mut rows = Vec::new();
        flatten("", v, skip, &mut rows);
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|(k, v)| {
                let key = k.rsplit(" · ").next().unwrap_or(&k).to_string();
                vec![esc(&humanise_path(&k)), cell_of(&key, &v)]
            })
            .collect();
        self.table(&["figure", "value"], &rows, &[false, true]);
    }

    /// How to make this folder again.
    fn reproduce(&mut self, command: &str, facts: &[(&str, String)]) {
        self.h2("How to reproduce this folder");
        let _ = writeln!(self.body, "<pre><code>{}</code></pre>", esc(command));
        let rows: Vec<Vec<String>> = facts
            .iter()
            .map(|(k, v)| vec![esc(k), format!("<code>{}</code>", esc(v))])
            .collect();
        self.table(&["", ""], &rows, &[false, false]);
        self.p(
            "note",
            "The same inputs, seed and version give byte-identical result files, whatever the number of threads.",
        );
    }
}

/// A headline figure.
struct Card {
    key: String,
    label: String,
    value: f64,
    ci: Option<(f64, f64)>,
}

impl Card {
    fn new(key: &str, label: &str, value: f64, ci: Option<(f64, f64)>) -> Card {
        Card {
            key: key.to_string(),
            label: label.to_string(),
            value,
            ci,
        }
    }
}

/// What a chart shows, under it.
fn chart_caption(name: &str) -> String {
    match name {
        "cost_curve" => "Cost per delivered parcel at each sweep point: mean line, 95 % confidence band, dashed price line; in a sweep with marginal_volume_step, the marginal cost per extra parcel beside it with its own band.",
        "cost_by_activity" => "Cost per parcel by activity, stacked in the order a parcel meets them.",
        "service" => "On-time rate and 95th-percentile transit time with their 95 % bands.",
        "transit_histogram" => "Parcels by hours from pickup to signature; the dashed line is the promise.",
        "cost_breakdown" => "Cost per delivered parcel by activity, in the order a parcel meets them.",
        "network" => "Network map: lanes by parcels carried (width) and fill rate (colour), centres by parcels sorted, red rings where queues formed.",
        "shop_cost" => "The shop's cost per shipped order by item.",
        "shop_time" => "Where an order's time goes: nested intervals from the order, each starting when the order is placed.",
        "compare" => "Cost per parcel of each scenario by activity; whiskers are 95 % confidence intervals of the total.",
        "marginal" => "Average cost per parcel and marginal cost per extra parcel, in total and by activity; whiskers are 95 % confidence intervals.",
        "tornado" => "Each input at the low and high end of its range, the others at base: bars from the base value, whiskers the 95 % confidence interval of the paired change.",
        "misfit" => "Each target's misfit at the fit in standard errors, (simulated − observed) / sd; whiskers are the 95 % confidence interval of the simulated mean.",
        "waterfall" => "From FROM's value to TO's: each lever's Shapley value, with its 95 % confidence interval as a whisker.",
        _ => "",
    }
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

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
fn grouped(v: f64) -> String {
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
fn sig3(v: f64) -> String {
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
fn cell_of(key: &str, v: &Value) -> String {
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
fn flatten(prefix: &str, v: &Value, skip: &[&str], out: &mut Vec<(String, Value)>) {
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
fn humanise_path(path: &str) -> String {
    path.replace('_', " ")
}

/// A number from a JSON object, if there is one.
fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Run folders
// ---------------------------------------------------------------------------------------------

/// Inputs shown for a run, as (dotted path in the resolved scenario, label).
const KEY_INPUTS: [(&str, &str); 14] = [
    ("demand.daily_parcels", "parcels handed over per day"),
    ("days", "measured days"),
    ("warmup_days", "warm-up days"),
    ("network.generate.centres", "centre placement"),
    ("network.generate.linehaul", "line-haul structure"),
    ("network.generate.hubs", "hubs"),
    ("network.generate.max_cities", "cities (at most)"),
    ("operations.sorting.automation", "sorting"),
    (
        "operations.delivery.failure_rate",
        "failed delivery attempts",
    ),
    ("operating_model.kind", "operating model"),
    (
        "operating_model.shop_price",
        "price the shop pays (yuan/parcel)",
    ),
    ("org.layers", "management layers"),
    ("revenue.other_per_parcel", "other revenue (yuan/parcel)"),
    ("costs.sorter_wage_per_hour", "sorter wage (yuan/h)"),
];

fn dotted<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn scalar_text(v: &Value) -> String {
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

fn run_page(dir: &Path, page: &mut Page) -> Result<()> {
    let s = read_json(&dir.join("summary.json"))?;
    let inputs = if dir.join("inputs.json").is_file() {
        Some(read_json(&dir.join("inputs.json"))?)
    } else {
        None
    };
    let name = text(&s, "scenario");
    page.h1(&format!("parcelsim run — {name}"));

    page.h2("The question");
    let question = inputs
        .as_ref()
        .map(|i| text(i, "question").to_string())
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| {
            format!("What does it cost to carry a parcel through the network of scenario `{name}`, and what service does it give?")
        });
    page.p("lead", &question);
    if let Some(sc) = inputs.as_ref().and_then(|i| i.get("scenario")) {
        let rows: Vec<Vec<String>> = KEY_INPUTS
            .iter()
            .filter_map(|(path, label)| {
                dotted(sc, path).filter(|v| !v.is_null()).map(|v| {
                    vec![
                        esc(label),
                        format!("<code>{}</code>", esc(path)),
                        esc(&scalar_text(v)),
                    ]
                })
            })
            .collect();
        page.h3("Key inputs");
        page.table(
            &["input", "scenario field", "value"],
            &rows,
            &[false, false, true],
        );
        if sc.get("shop").is_some_and(|v| !v.is_null()) {
            page.p(
                "note",
                "The shop's side (orders, stock, packing, returns) is simulated.",
            );
        }
        page.p(
            "note",
            "Every input with its default is in inputs.json; the network as built is in nodes.csv and lanes.csv.",
        );
    }
    if let Some(net) = s.get("network") {
        page.h3("Network as built");
        page.object_table(net, &[]);
    }
    if let Some(e) = s.get("emissions") {
        page.h3("Emissions (kg CO2e; the carbon price in yuan)");
        page.object_table(e, &["co2e_kg_per_parcel"]);
    }

    page.h2("Headline figures");
    let f = |k: &str| num(&s, k).unwrap_or(f64::NAN);
    page.cards(&[
        Card::new(
            "cost_per_parcel_yuan",
            "cost per delivered parcel",
            f("cost_per_parcel_yuan"),
            None,
        ),
        Card::new(
            "net_cost_per_parcel_yuan",
            "net of other revenue",
            f("net_cost_per_parcel_yuan"),
            None,
        ),
        Card::new(
            "on_time_rate",
            &format!("on time (within {} h)", sig3(f("promise_hours"))),
            f("on_time_rate"),
            None,
        ),
        Card::new(
            "transit_hours_mean",
            "transit time, mean",
            f("transit_hours_mean"),
            None,
        ),
        Card::new(
            "transit_hours_p95",
            "transit time, 95th percentile",
            f("transit_hours_p95"),
            None,
        ),
        Card::new(
            "truck_fill_rate",
            "line-haul fill rate",
            f("truck_fill_rate"),
            None,
        ),
        Card::new(
            "measured_parcels_delivered",
            "measured parcels delivered",
            f("measured_parcels_delivered"),
            None,
        ),
        Card::new(
            "co2e_kg_per_parcel",
            "kg CO2e per delivered parcel",
            s.get("emissions")
                .and_then(|e| num(e, "co2e_kg_per_parcel"))
                .unwrap_or(f64::NAN),
            None,
        ),
    ]);
    page.p(
        "note",
        "One replication: these figures have no confidence interval. Run `parcelsim compare` with --replications, or a sweep, for 95 % intervals.",
    );
    let rows: Vec<Vec<String>> = [
        "parcels_generated",
        "parcels_delivered",
        "parcels_lost",
        "parcels_in_flight",
        "measured_parcels_picked_up",
        "measured_parcels_delivered",
        "measured_parcels_in_flight",
        "days_simulated",
        "order_to_pickup_hours_mean",
        "order_to_signed_hours_mean",
        "transit_hours_p50",
        "transit_hours_max",
        "feeder_fill_rate",
        "delivery_attempts_per_parcel",
    ]
    .iter()
    .filter_map(|k| {
        s.get(*k)
            .map(|v| vec![esc(&humanise_path(k)), cell_of(k, v)])
    })
    .collect();
    page.table(&["figure", "value"], &rows, &[false, true]);

    page.h2("Cost by activity");
    page.p(
        "note",
        "Yuan per measured delivered parcel, in the order a parcel meets each activity.",
    );
    let costs = Csv::read(&dir.join("cost_breakdown.csv"))?;
    let mut rows: Vec<&Vec<String>> = costs.rows.iter().collect();
    rows.sort_by_key(|r| match costs.get(r, "activity") {
        "total" => usize::MAX,
        a => activity_rank(a),
    });
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let a = costs.get(r, "activity");
            let per = costs.num(r, "yuan_per_parcel").unwrap_or(f64::NAN);
            vec![
                esc(&a.replace('_', " ")),
                format!(
                    "<span data-key=\"cost.{}\" data-value=\"{per}\">{per:.4}</span>",
                    esc(a)
                ),
                fmt_value("share", costs.num(r, "share").unwrap_or(f64::NAN)),
                grouped(costs.num(r, "total_yuan").unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    page.table(
        &["activity", "yuan per parcel", "share", "total yuan"],
        &rows,
        &[false, true, true, true],
    );

    page.h2("Each party's account");
    page.p(
        "note",
        "Yuan per delivered parcel. Transfers between parties sum to zero; each margin is what a party receives less the costs it bears.",
    );
    if let Some(acc) = s.get("accounts") {
        party_tables(acc, page);
    } else if let Some(om) = s.get("operating_model") {
        page.object_table(om, &[]);
    }

    page.h2("Service and welfare");
    for (key, title) in [
        ("quality", "Service quality"),
        ("welfare", "Staff"),
        ("org", "Management"),
        ("sorting", "Sorting staff"),
        ("steady_state", "Steady state"),
        ("shop", "The shop"),
        ("money", "Where every yuan went"),
    ] {
        if let Some(v) = s.get(key).filter(|v| !v.is_null()) {
            page.h3(title);
            page.object_table(v, &[]);
        }
    }
    page.charts_here();

    busiest_tables(dir, page)?;

    let inputs_file = inputs
        .as_ref()
        .map(|i| text(i, "scenario_file").to_string())
        .unwrap_or_default();
    let seed = s.get("seed").map(scalar_text).unwrap_or_default();
    let command = inputs
        .as_ref()
        .map(|i| text(i, "command").to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| format!("parcelsim run <scenario file> --seed {seed}"));
    page.reproduce(
        &command,
        &[
            ("scenario file", inputs_file),
            ("seed", seed),
            ("version", text(&s, "version").to_string()),
            ("scenario SHA-256", text(&s, "scenario_sha256").to_string()),
        ],
    );
    Ok(())
}

/// Each party's receipts, payments, resources and margin, the transfers between them, and
/// the chain's totals (summary.json `accounts`).
fn party_tables(acc: &Value, page: &mut Page) {
    if let Some(kind) = acc.get("kind").and_then(Value::as_str) {
        page.p("note", &format!("Operating model: {kind}."));
    }
    if let Some(parties) = acc.get("parties").and_then(Value::as_object) {
        let rows: Vec<Vec<String>> = parties
            .iter()
            .map(|(name, p)| {
                let mut by: Vec<(&String, f64)> = p
                    .get("resources_by_activity")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k, v.as_f64()?)))
                            .collect()
                    })
                    .unwrap_or_default();
                by.sort_by_key(|(k, _)| activity_rank(k));
                let detail: Vec<String> = by
                    .iter()
                    .filter(|(_, v)| *v != 0.0)
                    .map(|(k, v)| format!("{} {v:.3}", k.replace('_', " ")))
                    .collect();
                let mut row = vec![esc(&name.replace('_', " "))];
                for k in ["received", "paid", "resources", "margin"] {
                    row.push(match num(p, k) {
                        Some(v) => format!(
                            "<span data-key=\"party.{}.{k}\" data-value=\"{v}\">{v:.3}</span>",
                            esc(name)
                        ),
                        None => "—".into(),
                    });
                }
                row.push(esc(&detail.join(", ")));
                row
            })
            .collect();
        page.table(
            &[
                "party",
                "receives",
                "pays",
                "resources",
                "margin",
                "resources by activity",
            ],
            &rows,
            &[false, true, true, true, true, false],
        );
    }
    let rest: serde_json::Map<String, Value> = acc
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| *k != "parties" && *k != "kind")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    page.object_table(&Value::Object(rest), &[]);
}

/// The busiest nodes and lanes and the bottlenecks, from nodes.csv and lanes.csv.
fn busiest_tables(dir: &Path, page: &mut Page) -> Result<()> {
    let nodes = Csv::read(&dir.join("nodes.csv"))?;
    let lanes = Csv::read(&dir.join("lanes.csv"))?;
    page.h2("Nodes and lanes");
    let node_cols = [
        ("node", "node"),
        ("kind", "kind"),
        ("parcels_handled", "parcels handled"),
        ("utilisation", "utilisation"),
        ("mean_queue", "mean queue (parcels)"),
        ("max_queue", "longest queue (parcels)"),
        ("mean_wait_hours", "mean wait"),
        ("cost_per_parcel_yuan", "cost per parcel"),
    ];
    let lane_cols = [
        ("from", "from"),
        ("to", "to"),
        ("kind", "kind"),
        ("distance_km", "km"),
        ("vehicle", "vehicle"),
        ("vehicles_sent", "vehicles sent"),
        ("parcels", "parcels"),
        ("fill_rate", "fill rate"),
        ("cost_per_parcel_yuan", "cost per parcel"),
    ];
    let by = |t: &Csv, rows: &mut Vec<&Vec<String>>, col: &str| {
        rows.sort_by(|a, b| {
            let (x, y) = (t.num(a, col).unwrap_or(0.0), t.num(b, col).unwrap_or(0.0));
            y.total_cmp(&x)
        });
    };
    let mut n: Vec<&Vec<String>> = nodes.rows.iter().collect();
    by(&nodes, &mut n, "parcels_handled");
    page.h3(&format!(
        "The {} busiest of {} nodes (by parcels handled)",
        BUSIEST.min(n.len()),
        n.len()
    ));
    table_of(page, &nodes, &n[..BUSIEST.min(n.len())], &node_cols);
    let mut waits: Vec<&Vec<String>> = nodes
        .rows
        .iter()
        .filter(|r| nodes.num(r, "mean_wait_hours").unwrap_or(0.0) > 0.0)
        .collect();
    by(&nodes, &mut waits, "mean_wait_hours");
    page.h3("Bottleneck centres (longest mean wait at the sorter)");
    if waits.is_empty() {
        page.p("note", "No parcel waited for a sorter.");
    } else {
        table_of(
            page,
            &nodes,
            &waits[..BOTTLENECKS.min(waits.len())],
            &node_cols,
        );
    }
    let mut outlets: Vec<&Vec<String>> = nodes
        .rows
        .iter()
        .filter(|r| nodes.get(r, "kind") == "outlet")
        .collect();
    by(&nodes, &mut outlets, "utilisation");
    if !outlets.is_empty() {
        page.h3("Busiest outlets (delivery attempts over courier capacity)");
        table_of(
            page,
            &nodes,
            &outlets[..BOTTLENECKS.min(outlets.len())],
            &node_cols,
        );
    }

    let mut l: Vec<&Vec<String>> = lanes.rows.iter().collect();
    by(&lanes, &mut l, "parcels");
    page.h3(&format!(
        "The {} busiest of {} lanes (by parcels carried)",
        BUSIEST.min(l.len()),
        l.len()
    ));
    table_of(page, &lanes, &l[..BUSIEST.min(l.len())], &lane_cols);
    let mut full: Vec<&Vec<String>> = lanes
        .rows
        .iter()
        .filter(|r| lanes.num(r, "parcels").unwrap_or(0.0) > 0.0)
        .collect();
    by(&lanes, &mut full, "fill_rate");
    if !full.is_empty() {
        page.h3("Fullest lanes (vehicles nearest capacity)");
        table_of(
            page,
            &lanes,
            &full[..BOTTLENECKS.min(full.len())],
            &lane_cols,
        );
    }
    page.p(
        "note",
        "Every node and lane is in nodes.csv and lanes.csv (and results.xlsx).",
    );
    Ok(())
}

fn table_of(page: &mut Page, t: &Csv, rows: &[&Vec<String>], cols: &[(&str, &str)]) {
    let present: Vec<&(&str, &str)> = cols.iter().filter(|c| t.col(c.0).is_some()).collect();
    let head: Vec<&str> = present.iter().map(|c| c.1).collect();
    let numeric: Vec<bool> = present
        .iter()
        .map(|c| t.rows.iter().any(|r| t.num(r, c.0).is_some()))
        .collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            present
                .iter()
                .map(|c| match t.num(r, c.0) {
                    Some(v) => fmt_value(c.0, v),
                    None => esc(t.get(r, c.0)),
                })
                .collect()
        })
        .collect();
    page.table(&head, &body, &numeric);
}

// ---------------------------------------------------------------------------------------------
// Sweep folders
// ---------------------------------------------------------------------------------------------

/// The metrics shown for each sweep point and compared scenario, with labels.
const METRICS: [(&str, &str); 9] = [
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
fn with_ci(key: &str, mean: f64, ci: Option<(f64, f64)>) -> String {
    with_ci_as(key, key, mean, ci)
}

/// [`with_ci`] under the data key `key`, printed in the unit of `unit_key`.
fn with_ci_as(key: &str, unit_key: &str, mean: f64, ci: Option<(f64, f64)>) -> String {
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

fn sweep_page(dir: &Path, page: &mut Page) -> Result<()> {
    let sj = read_json(&dir.join("sweep.json"))?;
    let points = Csv::read(&dir.join("points.csv"))?;
    let name = text(&sj, "name");
    page.h1(&format!("parcelsim sweep — {name}"));
    let params: Vec<String> = sj
        .get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|p| text(p, "path").to_string()).collect())
        .unwrap_or_default();
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "How do cost and service change with {} (base scenario {})? {} points × {} replications, {} design.",
            params.join(" and "),
            text(&sj, "base_scenario"),
            points.rows.len(),
            sj.get("replications").map(scalar_text).unwrap_or_default(),
            text(&sj, "design").to_lowercase()
        ),
    );
    if let Some(set) = sj
        .get("set")
        .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
    {
        page.h3("Set in every point");
        page.object_table(set, &[]);
    }

    page.h2("Headline figures");
    let ok: Vec<&Vec<String>> = points
        .rows
        .iter()
        .filter(|r| points.num(r, "runs_ok").unwrap_or(0.0) > 0.0)
        .collect();
    let ci = |r: &Vec<String>, m: &str| {
        Some((
            points.num(r, &format!("{m}_ci_low"))?,
            points.num(r, &format!("{m}_ci_high"))?,
        ))
    };
    let cheapest = ok.iter().min_by(|a, b| {
        let (x, y) = (
            points
                .num(a, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::INFINITY),
            points
                .num(b, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::INFINITY),
        );
        x.total_cmp(&y)
    });
    let dearest = ok.iter().max_by(|a, b| {
        let (x, y) = (
            points
                .num(a, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::NEG_INFINITY),
            points
                .num(b, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::NEG_INFINITY),
        );
        x.total_cmp(&y)
    });
    let at = |r: &Vec<String>| {
        params
            .iter()
            .map(|p| format!("{p} = {}", points.get(r, p)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut cards = Vec::new();
    if let Some(r) = cheapest {
        cards.push(Card::new(
            "cost_per_parcel_yuan",
            &format!("lowest cost per parcel ({})", at(r)),
            points
                .num(r, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::NAN),
            ci(r, "cost_per_parcel_yuan"),
        ));
    }
    if let Some(r) = dearest {
        cards.push(Card::new(
            "cost_per_parcel_yuan",
            &format!("highest cost per parcel ({})", at(r)),
            points
                .num(r, "cost_per_parcel_yuan_mean")
                .unwrap_or(f64::NAN),
            ci(r, "cost_per_parcel_yuan"),
        ));
    }
    page.cards(&cards);
    let failed: f64 = points
        .rows
        .iter()
        .filter_map(|r| points.num(r, "runs_failed"))
        .sum();
    if failed > 0.0 {
        page.p(
            "note",
            &format!("{failed} runs failed; their reasons are in runs.csv (column error)."),
        );
    }
    page.charts_here();

    page.h2("Sweep points");
    page.p(
        "note",
        "Mean over the successful replications, 95 % confidence interval below.",
    );
    let metrics: Vec<&(&str, &str)> = METRICS
        .iter()
        .filter(|m| points.col(&format!("{}_mean", m.0)).is_some())
        .collect();
    let mut head: Vec<&str> = vec!["point"];
    head.extend(params.iter().map(String::as_str));
    head.push("runs ok");
    head.extend(metrics.iter().map(|m| m.1));
    let rows: Vec<Vec<String>> = points
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![esc(points.get(r, "point"))];
            row.extend(params.iter().map(|p| esc(points.get(r, p))));
            row.push(esc(points.get(r, "runs_ok")));
            for m in &metrics {
                row.push(match points.num(r, &format!("{}_mean", m.0)) {
                    Some(v) => with_ci(m.0, v, ci(r, m.0)),
                    None => "—".into(),
                });
            }
            row
        })
        .collect();
    let mut numeric = vec![true; head.len()];
    for n in numeric.iter_mut().skip(1).take(params.len()) {
        *n = false;
    }
    page.table(&head, &rows, &numeric);
    page.p(
        "note",
        "Every run is in runs.csv; every metric's mean, sd and interval in points.csv.",
    );

    let command = format!("parcelsim sweep {}", text(&sj, "sweep_file"));
    page.reproduce(
        &command,
        &[
            ("sweep file", text(&sj, "sweep_file").to_string()),
            ("base scenario", text(&sj, "base_scenario").to_string()),
            (
                "base seed",
                sj.get("base_seed").map(scalar_text).unwrap_or_default(),
            ),
            ("version", text(&sj, "version").to_string()),
            (
                "base scenario SHA-256",
                text(&sj, "base_scenario_sha256").to_string(),
            ),
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Compare and explain folders
// ---------------------------------------------------------------------------------------------

fn labels_and_files(inputs: &[Value]) -> (Vec<String>, Vec<String>) {
    (
        inputs
            .iter()
            .map(|i| text(i, "label").to_string())
            .collect(),
        inputs.iter().map(|i| text(i, "file").to_string()).collect(),
    )
}

fn compare_page(dir: &Path, page: &mut Page) -> Result<()> {
    let cj = read_json(&dir.join("compare.json"))?;
    let t = Csv::read(&dir.join("compare.csv"))?;
    let inputs = cj
        .get("scenarios")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (labels, files) = labels_and_files(&inputs);
    page.h1(&format!("parcelsim compare — {}", labels.join(" vs ")));
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "How do {} differ from {}, run with the same random numbers ({} replications each)? Differences are paired replication by replication.",
            labels.get(1..).map(|l| l.join(", ")).unwrap_or_default(),
            labels.first().cloned().unwrap_or_default(),
            cj.get("replications").map(scalar_text).unwrap_or_default()
        ),
    );
    let find = |label: &str, metric: &str| {
        t.rows
            .iter()
            .find(|r| t.get(r, "scenario") == label && t.get(r, "metric") == metric)
    };
    let pair = |r: &Vec<String>, lo: &str, hi: &str| Some((t.num(r, lo)?, t.num(r, hi)?));

    page.h2("Headline figures");
    let cards: Vec<Card> = labels
        .iter()
        .filter_map(|l| {
            let r = find(l, "cost_per_parcel_yuan")?;
            Some(Card::new(
                "cost_per_parcel_yuan",
                &format!("cost per parcel — {l}"),
                t.num(r, "mean")?,
                pair(r, "ci_low", "ci_high"),
            ))
        })
        .collect();
    page.cards(&cards);
    page.charts_here();

    page.h2("Every scenario against the first");
    page.p(
        "note",
        "Mean with its 95 % confidence interval; the difference to the first scenario is paired (same seeds), in bold where its interval excludes zero.",
    );
    let metrics: Vec<String> = {
        let mut m: Vec<String> = Vec::new();
        for r in &t.rows {
            let x = t.get(r, "metric").to_string();
            if !m.contains(&x) {
                m.push(x);
            }
        }
        m
    };
    let mut head: Vec<String> = vec!["metric".into()];
    for (i, l) in labels.iter().enumerate() {
        head.push(l.clone());
        if i > 0 {
            head.push(format!("{l} − {}", labels[0]));
        }
    }
    let rows: Vec<Vec<String>> = metrics
        .iter()
        .map(|m| {
            let mut row = vec![esc(&m.replace('_', " "))];
            for (i, l) in labels.iter().enumerate() {
                let r = find(l, m);
                row.push(match r.and_then(|r| Some((r, t.num(r, "mean")?))) {
                    Some((r, v)) => with_ci(m, v, pair(r, "ci_low", "ci_high")),
                    None => "—".into(),
                });
                if i > 0 {
                    row.push(
                        match r.and_then(|r| Some((r, t.num(r, "diff_vs_first")?))) {
                            Some((r, d)) => {
                                let ci = pair(r, "diff_ci_low", "diff_ci_high");
                                let cell = with_ci(m, d, ci);
                                if ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0) {
                                    format!("<b>{cell}</b>")
                                } else {
                                    cell
                                }
                            }
                            None => "—".into(),
                        },
                    );
                }
            }
            row
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut numeric = vec![true; head.len()];
    numeric[0] = false;
    page.table(&head, &rows, &numeric);

    let mut command = String::from("parcelsim compare");
    for f in &files {
        command.push(' ');
        command.push_str(f);
    }
    let _ = write!(
        command,
        " --replications {} --seed {}",
        cj.get("replications").map(scalar_text).unwrap_or_default(),
        cj.get("base_seed").map(scalar_text).unwrap_or_default()
    );
    let mut facts: Vec<(&str, String)> = vec![
        ("version", text(&cj, "version").to_string()),
        (
            "base seed",
            cj.get("base_seed").map(scalar_text).unwrap_or_default(),
        ),
    ];
    for i in &inputs {
        facts.push((
            "scenario SHA-256",
            format!("{}  {}", text(i, "sha256"), text(i, "file")),
        ));
    }
    page.reproduce(&command, &facts);
    Ok(())
}

fn explain_page(dir: &Path, page: &mut Page) -> Result<()> {
    let e = read_json(&dir.join("explain.json"))?;
    let metric = text(&e, "metric").to_string();
    let from = e.get("from").cloned().unwrap_or(Value::Null);
    let to = e.get("to").cloned().unwrap_or(Value::Null);
    page.h1(&format!(
        "parcelsim explain — {} from {} to {}",
        metric,
        text(&from, "label"),
        text(&to, "label")
    ));
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "Why does {} change from {} to {}? Each section of the scenario that differs is a lever; its Shapley value is its average effect over every order of switching the levers from FROM to TO. The values add up to the whole change.",
            metric.replace('_', " "),
            text(&from, "label"),
            text(&to, "label")
        ),
    );
    page.h2("Headline figures");
    let v = |k: &str| num(&e, k).unwrap_or(f64::NAN);
    page.cards(&[
        Card::new(
            &metric,
            &format!("FROM: {}", text(&from, "label")),
            v("from_value"),
            None,
        ),
        Card::new(
            &metric,
            &format!("TO: {}", text(&to, "label")),
            v("to_value"),
            None,
        ),
        Card::new(&metric, "change", v("change"), None),
    ]);
    page.charts_here();
    page.h2("Attribution");
    let rows: Vec<Vec<String>> = e
        .get("attribution")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|l| {
                    let s = num(l, "shapley").unwrap_or(f64::NAN);
                    let ci = num(l, "ci_low").zip(num(l, "ci_high"));
                    vec![
                        esc(text(l, "lever")),
                        with_ci(&metric, s, ci),
                        fmt_value("share", num(l, "share_of_change").unwrap_or(f64::NAN)),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    page.table(
        &[
            "lever (section taken from TO)",
            "Shapley value [95 % CI]",
            "share of the change",
        ],
        &rows,
        &[false, true, true],
    );
    page.p(
        "note",
        "The metric of every subset of levers is in subsets.csv.",
    );
    let command = format!(
        "parcelsim explain {} {} --metric {} --replications {} --seed {}",
        text(&from, "file"),
        text(&to, "file"),
        metric,
        e.get("replications").map(scalar_text).unwrap_or_default(),
        e.get("base_seed").map(scalar_text).unwrap_or_default()
    );
    page.reproduce(
        &command,
        &[
            ("version", text(&e, "version").to_string()),
            ("FROM SHA-256", text(&from, "sha256").to_string()),
            ("TO SHA-256", text(&to, "sha256").to_string()),
        ],
    );
    Ok(())
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
