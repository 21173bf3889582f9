//! The JSON Schemas of scenario and sweep files accept every shipped file and refuse
//! what the parser refuses (unknown fields, wrong types, values past their bound).

use std::path::{Path, PathBuf};

fn schema(kind: &str) -> serde_json::Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_parcelsim"))
        .args(["schema", kind])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A TOML file as the JSON value an editor's schema check sees.
fn toml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(v).unwrap()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn errors(validator: &jsonschema::Validator, v: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_shipped_scenario_and_sweep_validates_against_its_schema() {
    let scenario = jsonschema::validator_for(&schema("scenario")).unwrap();
    let sweep = jsonschema::validator_for(&schema("sweep")).unwrap();
    let mut files = Vec::new();
    toml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut files,
    );
    files.sort();
    let (mut scenarios, mut sweeps) = (0, 0);
    for f in &files {
        let v = toml_as_json(f);
        let is_sweep = v.get("base").is_some();
        let validator = if is_sweep { &sweep } else { &scenario };
        let errs = errors(validator, &v);
        assert!(errs.is_empty(), "{}: {errs:?}", f.display());
        if is_sweep {
            sweeps += 1;
        } else {
            scenarios += 1;
        }
    }
    assert!(
        scenarios >= 5 && sweeps >= 2,
        "{scenarios} scenarios, {sweeps} sweeps"
    );
}

#[test]
fn the_schema_refuses_what_the_parser_refuses() {
    let scenario = jsonschema::validator_for(&schema("scenario")).unwrap();
    let base = toml_as_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/small.toml"));
    assert!(errors(&scenario, &base).is_empty());
    let mut unknown = base.clone();
    unknown["demand"]["daily_parcel"] = serde_json::json!(5000);
    assert!(!errors(&scenario, &unknown).is_empty(), "an unknown field");
    let mut wrong = base.clone();
    wrong["days"] = serde_json::json!("two");
    assert!(
        !errors(&scenario, &wrong).is_empty(),
        "a string for a number"
    );
    let mut big = base.clone();
    big["demand"]["daily_parcels"] = serde_json::json!(2e9);
    assert!(!errors(&scenario, &big).is_empty(), "beyond the bound");
    let mut missing = base;
    missing.as_object_mut().unwrap().remove("days");
    assert!(!errors(&scenario, &missing).is_empty(), "a required field");

    let sweep = jsonschema::validator_for(&schema("sweep")).unwrap();
    let s = serde_json::json!({"base": "small.toml", "vary": [{"path": "days", "values": [1, 2]}]});
    assert!(errors(&sweep, &s).is_empty());
    let s = serde_json::json!({"base": "small.toml", "replications": "five", "vary": []});
    assert!(!errors(&sweep, &s).is_empty());
}

#[test]
fn descriptions_carry_units_defaults_and_bounds() {
    let s = schema("scenario");
    let daily = &s["properties"]["demand"]["properties"]["daily_parcels"];
    let d = daily["description"].as_str().unwrap();
    assert!(d.contains("parcels/day") && d.contains("At most"), "{d}");
    assert_eq!(daily["maximum"].as_f64(), Some(1e9));
    let warmup = s["properties"]["warmup_days"]["description"]
        .as_str()
        .unwrap();
    assert!(warmup.contains("Default:"), "{warmup}");
}
