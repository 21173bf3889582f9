//! Reading a scenario file: [`Source`] (path and text, for locating errors), `load`, `parse`,
//! TOML errors with their line and field, and times of day.

use super::Scenario;
use super::locate::{field_at, field_of_line, locate, quoted, short_message};
use super::validate::validate;
use crate::engine::SimTime;
use crate::error::{InputError, line_of};
use std::path::{Path, PathBuf};

/// A scenario together with where it came from, for locating errors.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file as given: errors name it, and paths written in it resolve against its
    /// folder.
    pub path: PathBuf,
    /// The file's text, in which errors find the line of a field.
    pub text: String,
}

impl Source {
    /// An error at dotted field `field` (e.g. `network.lanes[2].from`), with its line.
    pub fn error(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError {
            file: self.path.clone(),
            line: locate(&self.text, field),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// A path named in the scenario, resolved against the scenario's folder.
    pub fn resolve(&self, rel: &str) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join(rel)
    }
}

/// Reads and parses a scenario file, then checks every field's range.
pub fn load(path: &Path) -> Result<(Scenario, Source), InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        line: None,
        field: None,
        message: format!("cannot read the scenario file: {e}"),
    })?;
    let src = Source {
        path: path.to_path_buf(),
        text,
    };
    let sc = parse(&src)?;
    validate(&sc, &src)?;
    Ok((sc, src))
}

/// Parses TOML into a scenario; syntax errors and unknown fields come with their line.
pub fn parse(src: &Source) -> Result<Scenario, InputError> {
    toml::from_str::<Scenario>(&src.text).map_err(|e| toml_error(&src.path, &src.text, &e))
}

/// A TOML or serde error of `text` located at its line and named by the dotted path of
/// the field at the error's position (not a value quoted in the message).
pub fn toml_error(file: &Path, text: &str, e: &toml::de::Error) -> InputError {
    let msg = e.message().trim().to_string();
    let field = e.span().and_then(|s| {
        let at = field_at(text, s.start)?;
        Some(match quoted(&msg) {
            // The span of a missing field is its table; the message names the field.
            Some(name) if msg.starts_with("missing field") => {
                if at.is_empty() {
                    name
                } else {
                    format!("{at}.{name}")
                }
            }
            _ => at,
        })
    });
    let field = field
        .filter(|f| !f.is_empty())
        .or_else(|| quoted(&msg).filter(|_| msg.starts_with("missing field")))
        .or_else(|| {
            e.span()
                .and_then(|s| field_of_line(text, line_of(text, s.start)))
        });
    InputError {
        file: file.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        field,
        message: short_message(&msg),
    }
}

/// [`parse_time_of_day`], or what is wrong with `s`, in the words every check of a time of
/// day uses.
pub fn time_of_day(s: &str) -> Result<SimTime, String> {
    parse_time_of_day(s).ok_or_else(|| {
        format!(
            "`{}` is not a time of day HH:MM",
            crate::error::show_text(s)
        )
    })
}

/// Parses "HH:MM" into a time of day.
pub fn parse_time_of_day(s: &str) -> Option<SimTime> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| SimTime((h * 60 + m) * 60_000))
}
