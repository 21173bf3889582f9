//! Tests of loading, locating and checking.

use super::*;
use crate::engine::SimTime;
use crate::error::InputError;

fn src(text: &str) -> Source {
    Source {
        path: "test.toml".into(),
        text: text.into(),
    }
}

#[test]
fn locates_nested_fields_and_array_items() {
    let text = "name = \"x\"\n[demand]\ndaily_parcels = 5\n\n[[network.lanes]]\nfrom = \"a\"\n\n[[network.lanes]]\nfrom = \"b\"\n";
    assert_eq!(locate(text, "demand.daily_parcels"), Some(3));
    assert_eq!(locate(text, "network.lanes[1].from"), Some(9));
    assert_eq!(locate(text, "network.lanes[0].from"), Some(6));
}

#[test]
fn times_of_day_parse_strictly() {
    assert_eq!(parse_time_of_day("23:30"), Some(SimTime::from_hours(23.5)));
    assert_eq!(parse_time_of_day("24:00"), None);
    assert_eq!(parse_time_of_day("7"), None);
}

#[test]
fn unknown_field_is_reported_with_its_line() {
    let e = parse(&src("name = \"x\"\ndays = 1\nbogus = 3\n")).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("bogus"));
}

/// Fields a scenario must give: they have no default for `baseline.toml` to show.
const REQUIRED: [&str; 4] = [
    "name",
    "days",
    "demand.daily_parcels",
    "network.generate.cities_file",
];

/// Values `baseline.toml` sets to something other than the code's default, on purpose: the
/// baseline's own seed, and one centre per province where a left-out `centres` means one per
/// city. Any other difference fails the test; so does one of these agreeing again.
const CHOSEN: [&str; 2] = ["network.generate.centres", "seed"];

/// Whether two TOML values are the same setting: numbers compare as numbers (`1000000` in
/// the file, `1000000.0` in a serialised `f64` field), arrays and tables item by item.
fn same(a: &toml::Value, b: &toml::Value) -> bool {
    use toml::Value::{Array, Float, Integer, Table};
    match (a, b) {
        (Integer(_) | Float(_), Integer(_) | Float(_)) => {
            let f = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
            f(a) == f(b)
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Table(x), Table(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Every value `scenarios/baseline.toml` writes, other than the required fields, equals the
/// default the code fills in when the field is left out: the file's claim "the defaults shown
/// here are the ones the program uses" is checked, not hoped for.
#[test]
fn baseline_toml_shows_the_code_defaults() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    let written: toml::Table = std::fs::read_to_string(path)
        .expect("baseline.toml")
        .parse()
        .expect("baseline.toml is TOML");
    // The same scenario with only its required fields: everything else from the defaults.
    let mut minimal = toml::Table::new();
    for field in REQUIRED {
        let mut from = &written;
        let mut to = &mut minimal;
        let parts: Vec<&str> = field.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            from = from[*p].as_table().expect("a section");
            to = to
                .entry(p.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .expect("a section");
        }
        let leaf = parts[parts.len() - 1];
        to.insert(leaf.to_string(), from[leaf].clone());
    }
    let sc: Scenario = toml::Value::Table(minimal)
        .try_into()
        .expect("required fields suffice");
    let filled = toml::Value::try_from(&sc).expect("a scenario serialises");

    // Walk every value the file writes; compare it with the filled-in tree.
    fn walk(
        written: &toml::Table,
        filled: Option<&toml::Value>,
        path: &str,
        out: &mut Vec<String>,
    ) -> usize {
        let mut n = 0;
        for (k, v) in written {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let d = filled.and_then(|f| f.get(k));
            match v {
                toml::Value::Table(t) => n += walk(t, d, &p, out),
                _ if REQUIRED.contains(&p.as_str()) => {}
                _ if CHOSEN.contains(&p.as_str()) => {
                    if d.is_some_and(|d| same(v, d)) {
                        out.push(format!("{p}: now equals the default; drop it from CHOSEN"));
                    }
                }
                _ => {
                    n += 1;
                    match d {
                        Some(d) if same(v, d) => {}
                        Some(d) => out.push(format!("{p}: baseline.toml {v}, code {d}")),
                        None => out.push(format!("{p}: baseline.toml {v}, code has no default")),
                    }
                }
            }
        }
        n
    }
    let mut wrong = Vec::new();
    let checked = walk(&written, Some(&filled), "", &mut wrong);
    assert!(checked >= 50, "only {checked} values compared");
    assert!(
        wrong.is_empty(),
        "baseline.toml differs from the code's defaults:\n{}",
        wrong.join("\n")
    );
}

/// A minimal valid scenario with an explicit network, plus `extra` appended.
fn with(extra: &str) -> String {
    format!(
        "name = \"x\"\ndays = 1\n[demand]\ndaily_parcels = 100\n\
         [[network.nodes]]\nid = \"c\"\nkind = \"centre\"\n\
         [[network.lanes]]\nfrom = \"c\"\nto = \"c\"\ndistance_km = 1\n{extra}"
    )
}

fn first_error(text: &str) -> InputError {
    let s = src(text);
    validate(&parse(&s).expect("parses"), &s).expect_err("has an error")
}

#[test]
fn sections_are_checked_in_file_order_and_references_last() {
    let s = src(&with(""));
    validate(&parse(&s).unwrap(), &s).expect("the minimal scenario is valid");
    // Errors in `[org]`, `[operations.delivery]` and `[shop]`: the operations come first.
    let e = first_error(&with(
        "[org]\nspan_of_control = 1\n[operations.delivery]\nfailure_rate = 1\n[shop]\ndefect_rate = 2\n",
    ));
    assert_eq!(e.field.as_deref(), Some("operations.delivery.failure_rate"));
    assert_eq!(e.message, "must be below 1, or no parcel is ever delivered");
    // A reference to a missing vehicle is reported after every section's own check.
    let e = first_error(&with(
        "[operations.linehaul]\ndefault_vehicle = \"none\"\n[quality]\npostage = -1\n",
    ));
    assert_eq!(e.field.as_deref(), Some("quality.postage"));
    let e = first_error(&with("[operations.linehaul]\ndefault_vehicle = \"none\"\n"));
    assert_eq!(
        e.field.as_deref(),
        Some("operations.linehaul.default_vehicle")
    );
    assert_eq!(e.line, Some(13));
}

#[test]
fn a_list_item_error_names_its_index_through_the_section() {
    let e = first_error(&with(
        "[shop]\n[[shop.pack_shifts]]\nstart = \"08:00\"\nhours = 4\n\
         [[shop.pack_shifts]]\nstart = \"25:00\"\nhours = 4\n",
    ));
    assert_eq!(e.field.as_deref(), Some("shop.pack_shifts[1].start"));
    assert_eq!(e.message, "`25:00` is not a time of day HH:MM");
    assert_eq!(e.line, Some(17));
}
