//! Locating fields in a scenario's text: dotted field path → line (`locate`, `locate_span`)
//! and error position → dotted field (`field_at`, `field_of_line`), for located errors.

use crate::error::{line_of, show_num, show_text};
use std::collections::BTreeMap;

/// The dotted field a line of a TOML text is about, read from the text alone (for syntax
/// errors, where the document does not parse): the key before `=` (or the first word) on
/// the line, under the last `[table]` or `[[array]]` header above it; a header line names
/// its table. Good enough to say where to look; keys with quotes or dots are kept as written.
pub fn field_of_line(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    let header = |l: &str, counts: &mut BTreeMap<String, usize>| -> Option<String> {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            *n += 1;
            Some(format!("{name}[{}]", *n - 1))
        } else {
            t.strip_prefix('[')
                .and_then(|r| r.split(']').next())
                .map(|n| n.trim().to_string())
        }
    };
    for l in lines.iter().take(line.saturating_sub(1)) {
        if let Some(h) = header(l, &mut counts) {
            table = h;
        }
    }
    let here = lines.get(line.checked_sub(1)?)?.trim();
    if here.starts_with('[') {
        return Some(
            header(here, &mut counts)
                .filter(|h| !h.is_empty() && !h.starts_with('['))
                .unwrap_or_else(|| "(top level)".into()),
        );
    }
    let key = match here.split_once('=') {
        Some((k, _)) => k.trim(),
        None => here.split_whitespace().next().unwrap_or(""),
    };
    let key: String = key.chars().take(60).collect();
    if key.is_empty() || key.starts_with('#') {
        // Nothing to name on the line: its table, or the top level of the file.
        return Some(if table.is_empty() {
            "(top level)".into()
        } else {
            table
        });
    }
    Some(if table.is_empty() {
        key
    } else {
        format!("{table}.{key}")
    })
}

/// The first name in backticks of a serde message.
pub(super) fn quoted(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_string())
}

/// A parser message with its quoted value made short and visible.
pub(super) fn short_message(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(a) = rest.find('`') {
        let Some(b) = rest[a + 1..].find('`') else {
            break;
        };
        out.push_str(&rest[..=a]);
        let quoted = &rest[a + 1..a + 1 + b];
        match quoted.parse::<f64>() {
            Ok(x) if quoted.len() > 12 => out.push_str(&show_num(x)),
            _ => out.push_str(&show_text(quoted)),
        }
        out.push('`');
        rest = &rest[a + b + 2..];
    }
    out.push_str(rest);
    out
}

/// The dotted path (`a.b[2].c`) of the innermost key or value of a TOML document whose
/// span holds byte `pos` (else of the table or array item declared last before it); empty
/// at the top level, `None` when the text does not parse.
pub fn field_at(text: &str, pos: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    /// (start, end, path, whether a table or array item)
    type Entry = (usize, usize, String, bool);
    fn table(t: &DeTable, prefix: &str, out: &mut Vec<Entry>) {
        for (k, v) in t.iter() {
            let path = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let (ks, vs) = (k.span(), v.span());
            let container = matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_));
            out.push((ks.start, ks.end, path.clone(), container));
            out.push((vs.start, vs.end, path.clone(), container));
            if !container {
                out.push((
                    ks.start.min(vs.start),
                    ks.end.max(vs.end),
                    path.clone(),
                    false,
                ));
            }
            value(v.get_ref(), &path, out);
        }
    }
    fn value(v: &DeValue, path: &str, out: &mut Vec<Entry>) {
        match v {
            DeValue::Table(t) => table(t, path, out),
            DeValue::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    let s = x.span();
                    let container = matches!(x.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                    out.push((s.start, s.end, p.clone(), container));
                    value(x.get_ref(), &p, out);
                }
            }
            _ => {}
        }
    }
    let doc = DeTable::parse(text).ok()?;
    let mut all = Vec::new();
    table(doc.get_ref(), "", &mut all);
    let depth = |p: &str| p.matches(['.', '[']).count();
    let inside = all
        .iter()
        .filter(|(a, b, _, _)| *a <= pos && (pos < *b || (pos == *b && a < b)))
        .max_by_key(|(a, _, p, _)| (depth(p), *a));
    if let Some((_, _, p, _)) = inside {
        return Some(p.clone());
    }
    let before = all
        .iter()
        .filter(|(a, _, _, c)| *c && *a <= pos)
        .max_by_key(|(a, _, p, _)| (*a, depth(p)));
    Some(before.map(|e| e.2.clone()).unwrap_or_default())
}

/// The line of dotted field `path` (`a.b[2].c`) in a TOML document, if present.
pub fn locate(text: &str, path: &str) -> Option<usize> {
    locate_span(text, path).map(|s| line_of(text, s.start))
}

/// The byte span of dotted field `path`'s value in a TOML document (of its nearest
/// present parent when it is absent).
pub fn locate_span(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut span = doc.span();
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut value: Option<&DeValue> = None;
    for seg in path.split('.') {
        let (name, indices) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        let t = match (table, value) {
            (Some(t), _) => t,
            (None, Some(DeValue::Table(t))) => t,
            _ => break,
        };
        let Some((_, v)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == name) else {
            break;
        };
        span = v.span();
        let mut cur = v.get_ref();
        for idx in indices
            .split(['[', ']'])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse::<usize>().ok())
        {
            if let DeValue::Array(a) = cur
                && let Some(item) = a.get(idx)
            {
                span = item.span();
                cur = item.get_ref();
            }
        }
        table = None;
        value = Some(cur);
    }
    Some(span)
}
