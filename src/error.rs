//! Errors a user can act on: each names the file, the line where known, and the field.

use std::fmt;
use std::path::{Path, PathBuf};

/// Something wrong in an input file (scenario, network CSV, city list, sweep file).
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file at fault.
    pub file: PathBuf,
    /// 1-based line, where the location is known.
    pub line: Option<usize>,
    /// Dotted path of the offending field, e.g. `network.lanes[3].capacity`.
    pub field: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// The error as a compiler shows it: the offending line of the file with a marker
    /// under the value, `styled` with colours for a terminal. `None` when the file or the
    /// line cannot be read back (then the plain form is all there is).
    pub fn snippet(&self, styled: bool) -> Option<String> {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let line = self.line?;
        let meta = std::fs::metadata(&self.file).ok()?;
        if !meta.is_file() || meta.len() > 64 * 1024 * 1024 {
            return None;
        }
        let text = std::fs::read_to_string(&self.file).ok()?;
        let start = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>();
        let src = text.get(start..)?.lines().next()?;
        let span = self.value_span(&text, start, src).unwrap_or_else(|| {
            let lead = src.len() - src.trim_start().len();
            lead..src.trim_end().len().max(lead)
        });
        let span = if span.is_empty() {
            span.start..(span.start + 1).min(src.len().max(1))
        } else {
            span
        };
        let title = match &self.field {
            Some(f) => format!("field `{f}`: {}", self.message),
            None => self.message.clone(),
        };
        let path = self.file.display().to_string();
        let report = &[Level::ERROR.primary_title(&title).element(
            Snippet::source(src)
                .line_start(line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(span)),
        )];
        let r = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Some(r.render(report))
    }

    /// The span of the offending value inside line `src` (which starts at byte `start`
    /// of `text`): located through the TOML document, or the column of a CSV row.
    fn value_span(&self, text: &str, start: usize, src: &str) -> Option<std::ops::Range<usize>> {
        let field = self.field.as_deref()?;
        let is_csv = self
            .file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if is_csv {
            let header = text.lines().next()?;
            let col = header.split(',').position(|h| h.trim() == field)?;
            let mut at = 0;
            for (i, cell) in src.split(',').enumerate() {
                if i == col {
                    let lead = cell.len() - cell.trim_start().len();
                    return Some(at + lead..at + cell.trim_end().len());
                }
                at += cell.len() + 1;
            }
            return None;
        }
        let s = crate::scenario::locate_span(text, field)?;
        let end = start + src.len();
        (s.start >= start && s.start < end).then(|| s.start - start..s.end.min(end) - start)
    }
}

/// Every failure of a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input, located in its file (exit code 2).
    #[error("{0}")]
    Input(#[from] InputError),
    /// A file or folder that could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A bookkeeping invariant failed: a bug, reported loudly rather than hidden.
    #[error("bookkeeping check failed: {0}")]
    Bookkeeping(String),
    /// A command used wrongly: arguments, folders (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The network cannot carry the scenario's load: a result, not a cost.
    #[error("{0}")]
    Overload(String),
    /// A run that went through but cannot give a result: it measured nothing, or its
    /// money overflowed the exact books.
    #[error("run failed: {0}")]
    Run(String),
    /// A sweep, comparison or explanation finished but some of its runs failed (recorded
    /// in the named file).
    #[error("{0} runs failed; their errors are in {1}")]
    RunsFailed(usize, &'static str),
}

/// The result of a command's steps.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] about `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The 1-based line of byte offset `pos` in `text`.
pub fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A number as a message shows it: short (at most about 12 significant digits, exponent
/// form for very large or small magnitudes) whatever the input, so that `1e-300` does not
/// print as 300 digits.
pub fn show_num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if (1e-4..1e12).contains(&a) {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        let s = format!("{v:.4e}");
        // 1.5000e30 → 1.5e30
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    }
}

/// Whether `c` would be invisible or misleading in a message: controls, format characters
/// (zero-width spaces and joiners, direction marks, the byte-order mark), and whitespace
/// other than the plain space.
fn invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0xE0000..=0xE0FFF)
}

/// A text value as a message shows it: invisible characters escaped as `\u{200b}`, and at
/// most `40` characters (the rest cut with `…`).
pub fn show_text(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        if invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(show_num(1e-300), "1e-300");
        assert_eq!(show_num(1e30), "1e30");
        assert_eq!(show_num(-1.0), "-1");
        assert_eq!(show_num(2.5), "2.5");
        assert_eq!(show_num(4294967296.0), "4294967296");
        assert_eq!(show_num(0.1 + 0.2), "0.3");
        assert_eq!(show_num(f64::NAN), "NaN");
    }

    #[test]
    fn text_is_visible_and_short() {
        assert_eq!(show_text("a\u{200b}b"), "a\\u{200b}b");
        assert_eq!(show_text("tab\there"), "tab\\u{9}here");
        assert_eq!(show_text("杭州"), "杭州");
        assert_eq!(show_text(&"x".repeat(300)).chars().count(), 41);
    }
}
