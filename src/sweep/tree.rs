//! Dotted-path edits of a scenario as a TOML tree (`a.b[2].c`), and the tree back to a
//! checked scenario: how a sweep point, an instrument's input point or a `set` table
//! changes the base scenario.

use crate::scenario::{self, Scenario, Source};

/// Path segments: `a.b[2].c` → a, b, [2], c.
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Result<Vec<Seg<'_>>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() {
            return Err(format!("`{path}` is not a dotted path"));
        }
        out.push(Seg::Key(key));
        for idx in rest.split(['[', ']']).filter(|s| !s.is_empty()) {
            out.push(Seg::Index(
                idx.parse()
                    .map_err(|_| format!("bad index `{idx}` in `{path}`"))?,
            ));
        }
    }
    Ok(out)
}

pub(crate) fn lookup<'a>(tree: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    let mut cur = tree;
    for seg in segments(path).ok()? {
        cur = match seg {
            Seg::Key(k) => cur.as_table()?.get(k)?,
            Seg::Index(i) => cur.as_array()?.get(i)?,
        };
    }
    Some(cur)
}

/// Sets `path` in a scenario tree. The parent must exist; a missing leaf is added (an
/// unknown name is then refused when the tree becomes a scenario).
pub(crate) fn set_path(
    tree: &mut toml::Value,
    path: &str,
    value: toml::Value,
) -> Result<(), String> {
    let segs = segments(path)?;
    let missing = || format!("`{path}` does not exist in the scenario");
    let mut cur = tree;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        cur = match seg {
            Seg::Key(k) => {
                let t = cur.as_table_mut().ok_or_else(missing)?;
                if last {
                    let value = match (t.get(*k), value) {
                        (Some(toml::Value::Integer(_)), toml::Value::Float(f)) => {
                            toml::Value::Integer(f.round() as i64)
                        }
                        (_, v) => v,
                    };
                    t.insert(k.to_string(), value);
                    return Ok(());
                }
                t.get_mut(*k).ok_or_else(missing)?
            }
            Seg::Index(idx) => {
                let a = cur.as_array_mut().ok_or_else(missing)?;
                let slot = a.get_mut(*idx).ok_or_else(missing)?;
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
        };
    }
    Err(missing())
}

/// A tree back to a checked scenario; the message says what is wrong.
pub(crate) fn to_scenario(tree: toml::Value, base: &Source) -> Result<Scenario, String> {
    let sc: Scenario = tree.try_into().map_err(|e: toml::de::Error| {
        let m = e.message().trim().to_string();
        if m.contains("unknown field") {
            format!("no such field: {m}")
        } else {
            m
        }
    })?;
    // Range checks report the field; the line would point into the base file, not here.
    scenario::validate(&sc, base).map_err(|e| match e.field {
        Some(f) => format!("field `{f}`: {}", e.message),
        None => e.message,
    })?;
    Ok(sc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_set_nested_fields_and_array_items() {
        let mut t: toml::Value = toml::from_str("a = 1\n[b]\nc = [ {d = 2}, {d = 3} ]").unwrap();
        set_path(&mut t, "b.c[1].d", toml::Value::Integer(9)).unwrap();
        set_path(&mut t, "a", toml::Value::Float(2.6)).unwrap();
        assert_eq!(lookup(&t, "b.c[1].d"), Some(&toml::Value::Integer(9)));
        assert_eq!(
            lookup(&t, "a"),
            Some(&toml::Value::Integer(3)),
            "integers stay integers"
        );
        assert!(set_path(&mut t, "x.y", toml::Value::Integer(1)).is_err());
        assert!(set_path(&mut t, "b.c[5].d", toml::Value::Integer(1)).is_err());
    }
}
