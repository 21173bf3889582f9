//! JSON Schemas of the scenario and sweep file formats (`parcelsim schema scenario|sweep`),
//! derived with schemars from the same serde types the files are read into, so they cannot
//! drift from the parser. Editors with TOML schema support (Taplo, Even Better TOML)
//! complete and check files with them.
//!
//! Each field's description is its doc comment (which carries the unit and the source of
//! the default), followed by its default and, for numbers, the upper bound the validation
//! enforces (`scenario::bound_of`), which is also given as `maximum`.

use crate::scenario::Scenario;
use crate::sweep::spec::SweepFile;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The schema of scenario files, as pretty JSON.
pub fn scenario() -> String {
    let mut v = generate::<Scenario>(
        "parcelsim scenario",
        "A parcelsim scenario file (TOML): demand, network, operations, costs and levers.",
    );
    annotate(&mut v, "", true);
    pretty(&v)
}

/// The schema of sweep files, as pretty JSON.
pub fn sweep() -> String {
    let mut v = generate::<SweepFile>(
        "parcelsim sweep",
        "A parcelsim sweep file (TOML): a base scenario, the parameters varied, replications and seeds.",
    );
    annotate(&mut v, "", false);
    pretty(&v)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("a schema serialises")
}

/// The schema of `T` with every subschema inlined (no `$ref`), so that each field's place
/// in the file is its place in the schema.
fn generate<T: schemars::JsonSchema>(title: &str, description: &str) -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut v = serde_json::to_value(&schema).expect("a schema is JSON");
    if let Some(m) = v.as_object_mut() {
        m.insert("title".into(), Value::String(title.into()));
        m.insert("description".into(), Value::String(description.into()));
    }
    v
}

/// Whether a schema node describes a number (possibly optional).
fn is_number(node: &Value) -> bool {
    let numeric = |t: &Value| matches!(t.as_str(), Some("number" | "integer"));
    match node.get("type") {
        Some(Value::Array(a)) => a.iter().any(numeric),
        Some(t) => numeric(t),
        None => false,
    }
}

/// Adds the default and (for scenario numbers) the bound to each field's description, and
/// the bound as `maximum`. `path` is the dotted path of `node` in the file.
fn annotate(node: &mut Value, path: &str, bounded: bool) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if !path.is_empty() {
        let mut extra = Vec::new();
        if let Some(d) = map.get("default") {
            extra.push(format!("Default: {}.", short(d)));
        }
        let numeric = is_number(&Value::Object(map.clone()));
        if bounded && numeric {
            let (max, unit) = crate::scenario::bound_of(path);
            if max.is_finite() {
                map.entry("maximum").or_insert(serde_json::json!(max));
                let unit = if unit.is_empty() || unit == "-" {
                    String::new()
                } else {
                    format!(" ({unit})")
                };
                extra.push(format!("At most {max}{unit}."));
            }
        }
        if !extra.is_empty() {
            let d = map
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let joined = if d.is_empty() {
                extra.join(" ")
            } else {
                format!("{d} {}", extra.join(" "))
            };
            map.insert("description".into(), Value::String(joined));
        }
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (k, sub) in props.iter_mut() {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            annotate(sub, &p, bounded);
        }
    }
    if let Some(items) = map.get_mut("items") {
        annotate_inner(items, path, bounded);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(a)) = map.get_mut(key) {
            for sub in a {
                annotate_inner(sub, path, bounded);
            }
        }
    }
    if let Some(Value::Object(extra)) = map.get_mut("additionalProperties") {
        for sub in extra.values_mut() {
            annotate_inner(sub, path, bounded);
        }
    }
}

/// A subschema at the same place (array items, alternatives): its own fields are
/// annotated, but it does not repeat the field's description.
fn annotate_inner(node: &mut Value, path: &str, bounded: bool) {
    if let Some(Value::Object(props)) = node.get_mut("properties") {
        for (k, sub) in props.iter_mut() {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            annotate(sub, &p, bounded);
        }
    }
    if let Some(items) = node.get_mut("items") {
        annotate_inner(items, path, bounded);
    }
    if bounded
        && is_number(node)
        && let Some(m) = node.as_object_mut()
    {
        let (max, _) = crate::scenario::bound_of(path);
        if max.is_finite() {
            m.entry("maximum").or_insert(serde_json::json!(max));
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(a)) = node.get_mut(key) {
            for sub in a {
                annotate_inner(sub, path, bounded);
            }
        }
    }
}

/// A default as written in a description: short values in full, long ones abridged.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        let head: String = s.chars().take(77).collect();
        format!("{head}…")
    } else {
        s
    }
}
