//! Progress of long runs and sweeps on stderr: a live bar on a terminal, and off a terminal
//! (a Slurm log, `nohup`, a pipe) one plain line every few seconds, so a log shows how far
//! a long job has come without filling up with redraws.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds between two plain progress lines.
pub const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// A progress bar over `len` steps on stderr: drawn with `bar_template` on a terminal, as
/// plain lines with `plain_template` every [`PLAIN_EVERY`] elsewhere, hidden when `show`
/// is false. Templates are indicatif's (`{pos}`, `{len}`, `{msg}`, `{eta}`, ...).
pub fn bar(len: u64, show: bool, bar_template: &str, plain_template: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(4));
        pb.set_style(
            ProgressStyle::with_template(bar_template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        pb
    } else {
        let pb = ProgressBar::with_draw_target(
            Some(len),
            ProgressDrawTarget::term_like_with_hz(Box::new(PlainLines::default()), 1),
        );
        pb.set_style(ProgressStyle::with_template(plain_template).expect("valid template"));
        pb.set_message("starting");
        // Redraw even when nothing finishes for a while (one long run of a sweep).
        pb.enable_steady_tick(PLAIN_EVERY);
        pb
    }
}

/// A "terminal" that writes each drawn line as a plain line on stderr, at most one per
/// [`PLAIN_EVERY`], and ignores cursor movements.
#[derive(Debug, Default)]
struct PlainLines {
    last: Mutex<Option<Instant>>,
}

impl PlainLines {
    fn line(&self, s: &str) -> std::io::Result<()> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(());
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| t.elapsed() < PLAIN_EVERY) {
            return Ok(());
        }
        *last = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        writeln!(err, "{s}")
    }
}

impl TermLike for PlainLines {
    fn width(&self) -> u16 {
        200
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.line(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
