//! `report.html`: one self-contained page per result folder (run, sweep, compare, explain,
//! and the instruments' marginal, sensitivity and calibrate: [`instruments`])
//! that a browser opens with no network: styles inline, charts as inline SVG, no script,
//! no font, image or link to another host.
//!
//! The page is made from the folder's own files (see [`crate::folder`]), so it says what
//! they say, and is byte-identical whenever they are. Every headline number carries a
//! `data-key` and its exact value in `data-value`, which the tests read back.
//!
//! `mod.rs` holds the page and its parts; `values.rs` how values print (units, escapes,
//! intervals); one file per folder kind: `run.rs`, `sweep.rs`, `compare.rs` (compare and
//! explain), `instruments.rs` (marginal, sensitivity, calibrate).

mod compare;
mod instruments;
mod run;
mod sweep;
mod values;

pub use values::{esc, fmt_value};

use compare::{compare_page, explain_page};
use run::run_page;
use sweep::sweep_page;
use values::{
    METRICS, cell_of, flatten, humanise_path, num, scalar_text, text, with_ci, with_ci_as,
};

use crate::error::Result;
use crate::folder::Kind;
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
