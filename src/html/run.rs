//! The page of a run folder: inputs, headline figures, accounts, the busiest nodes and lanes.

use super::values::{dotted, grouped, sig3};
use super::{BOTTLENECKS, BUSIEST};
use super::{Card, Page, cell_of, esc, fmt_value, humanise_path, num, scalar_text, text};
use crate::error::Result;
use crate::files::read_rows;
use crate::folder::{activity_rank, read_json};
use crate::format::run_files::{CostRow, LaneRow, NodeRow};
use serde_json::Value;
use std::path::Path;

/// Inputs shown for a run, as (dotted path in the resolved scenario, label).
pub(super) const KEY_INPUTS: [(&str, &str); 14] = [
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

pub(super) fn run_page(dir: &Path, page: &mut Page) -> Result<()> {
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
    let mut costs: Vec<CostRow> = read_rows(&dir.join("cost_breakdown.csv"))?;
    costs.sort_by_key(|r| match r.activity.as_str() {
        "total" => usize::MAX,
        a => activity_rank(a),
    });
    let rows: Vec<Vec<String>> = costs
        .iter()
        .map(|r| {
            let (a, per) = (r.activity.as_str(), r.yuan_per_parcel);
            vec![
                esc(&a.replace('_', " ")),
                format!(
                    "<span data-key=\"cost.{}\" data-value=\"{per}\">{per:.4}</span>",
                    esc(a)
                ),
                fmt_value("share", r.share),
                grouped(r.total_yuan),
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
pub(super) fn party_tables(acc: &Value, page: &mut Page) {
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
pub(super) fn busiest_tables(dir: &Path, page: &mut Page) -> Result<()> {
    let nodes: Vec<NodeRow> = read_rows(&dir.join("nodes.csv"))?;
    let lanes: Vec<LaneRow> = read_rows(&dir.join("lanes.csv"))?;
    page.h2("Nodes and lanes");
    let node_cols: [Column<NodeRow>; 8] = [
        ("node", "node", |n| Cell::Text(&n.node)),
        ("kind", "kind", |n| Cell::Text(n.kind)),
        ("parcels_handled", "parcels handled", |n| {
            Cell::Num(n.parcels_handled as f64)
        }),
        ("utilisation", "utilisation", |n| Cell::Num(n.utilisation)),
        ("mean_queue", "mean queue (parcels)", |n| {
            Cell::Num(n.mean_queue)
        }),
        ("max_queue", "longest queue (parcels)", |n| {
            Cell::Num(n.max_queue as f64)
        }),
        ("mean_wait_hours", "mean wait", |n| {
            Cell::Num(n.mean_wait_hours)
        }),
        ("cost_per_parcel_yuan", "cost per parcel", |n| {
            Cell::Num(n.cost_per_parcel_yuan)
        }),
    ];
    let lane_cols: [Column<LaneRow>; 9] = [
        ("from", "from", |l| Cell::Text(&l.from)),
        ("to", "to", |l| Cell::Text(&l.to)),
        ("kind", "kind", |l| Cell::Text(l.kind)),
        ("distance_km", "km", |l| Cell::Num(l.distance_km)),
        ("vehicle", "vehicle", |l| Cell::Text(&l.vehicle)),
        ("vehicles_sent", "vehicles sent", |l| {
            Cell::Num(l.vehicles_sent as f64)
        }),
        ("parcels", "parcels", |l| Cell::Num(l.parcels as f64)),
        ("fill_rate", "fill rate", |l| Cell::Num(l.fill_rate)),
        ("cost_per_parcel_yuan", "cost per parcel", |l| {
            Cell::Num(l.cost_per_parcel_yuan)
        }),
    ];
    let mut n: Vec<&NodeRow> = nodes.iter().collect();
    by(&mut n, |n| n.parcels_handled as f64);
    page.h3(&format!(
        "The {} busiest of {} nodes (by parcels handled)",
        BUSIEST.min(n.len()),
        n.len()
    ));
    table_of(page, &nodes, &n[..BUSIEST.min(n.len())], &node_cols);
    let mut waits: Vec<&NodeRow> = nodes.iter().filter(|n| n.mean_wait_hours > 0.0).collect();
    by(&mut waits, |n| n.mean_wait_hours);
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
    let mut outlets: Vec<&NodeRow> = nodes.iter().filter(|n| n.kind == "outlet").collect();
    by(&mut outlets, |n| n.utilisation);
    if !outlets.is_empty() {
        page.h3("Busiest outlets (delivery attempts over courier capacity)");
        table_of(
            page,
            &nodes,
            &outlets[..BOTTLENECKS.min(outlets.len())],
            &node_cols,
        );
    }

    let mut l: Vec<&LaneRow> = lanes.iter().collect();
    by(&mut l, |l| l.parcels as f64);
    page.h3(&format!(
        "The {} busiest of {} lanes (by parcels carried)",
        BUSIEST.min(l.len()),
        l.len()
    ));
    table_of(page, &lanes, &l[..BUSIEST.min(l.len())], &lane_cols);
    let mut full: Vec<&LaneRow> = lanes.iter().filter(|l| l.parcels > 0).collect();
    by(&mut full, |l| l.fill_rate);
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

/// A column of the node and lane tables: its key (which sets how its values print, see
/// `fmt_value`), its heading, and its cell of a row.
type Column<R> = (&'static str, &'static str, fn(&R) -> Cell<'_>);

/// A cell of those tables.
enum Cell<'a> {
    Num(f64),
    Text(&'a str),
}

impl Cell<'_> {
    /// The cell as a finite number (a text that reads as one, such as a numeric node id,
    /// included).
    fn number(&self) -> Option<f64> {
        match self {
            Cell::Num(v) => Some(*v),
            Cell::Text(t) => t.parse().ok(),
        }
        .filter(|v| v.is_finite())
    }

    /// The cell as the page shows it, numbers in the unit of the column `key`.
    fn html(&self, key: &str) -> String {
        match (self.number(), self) {
            (Some(v), _) => fmt_value(key, v),
            (None, Cell::Text(t)) => esc(t),
            (None, Cell::Num(v)) => esc(&v.to_string()),
        }
    }
}

/// Sorts `rows` by `key`, largest first (a value that is not a finite number counts as 0).
fn by<R>(rows: &mut [&R], key: impl Fn(&R) -> f64) {
    let key = |r: &R| Cell::Num(key(r)).number().unwrap_or(0.0);
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)));
}

/// The `rows` of a table in the columns `cols`; a column is right-aligned as numbers when
/// any row of `all` has a number there.
fn table_of<R>(page: &mut Page, all: &[R], rows: &[&R], cols: &[Column<R>]) {
    let head: Vec<&str> = cols.iter().map(|c| c.1).collect();
    let numeric: Vec<bool> = cols
        .iter()
        .map(|c| all.iter().any(|r| c.2(r).number().is_some()))
        .collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| c.2(r).html(c.0)).collect())
        .collect();
    page.table(&head, &body, &numeric);
}
