//! Progress on stderr, drawn from the library's [`Event`]s: a live bar on a terminal, and
//! off a terminal (a Slurm log, `nohup`, a pipe) one plain line every few seconds, so a log
//! shows how far a long job has come without filling up with redraws.

use indicatif::{
    HumanDuration, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike,
};
use parcelsim::progress::{Event, Progress};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds between two plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// A [`Progress`] that draws each job on stderr, or a silent one when `show` is false: one
/// bar for a run's simulated hours, one for the runs of a batch.
pub fn bars(show: bool) -> Progress {
    if !show {
        return Progress::silent();
    }
    // The bar being drawn, and when it started (for the run's parcels per second).
    let current: Mutex<Option<(ProgressBar, Instant)>> = Mutex::new(None);
    Progress::new(move |e| {
        let mut current = current.lock().unwrap_or_else(|e| e.into_inner());
        match e {
            Event::RunStarted { hours } => {
                let pb = bar(
                    hours,
                    "{spinner} simulated {pos}/{len} h [{bar:30}] {msg} ({elapsed})",
                    "run: simulated {pos} of {len} h, {msg}, {elapsed} elapsed",
                );
                *current = Some((pb, Instant::now()));
            }
            Event::RunAt {
                hour,
                generated,
                in_network,
            } => {
                if let Some((pb, t1)) = &*current {
                    let rate = generated as f64 / t1.elapsed().as_secs_f64().max(1e-9);
                    pb.set_position(hour);
                    pb.set_message(format!(
                        "{generated} parcels, {in_network} in network, {:.2} M parcels/s",
                        rate / 1e6
                    ));
                }
            }
            Event::BatchStarted { runs } => {
                let pb = bar(
                    runs,
                    "{bar:30} {pos}/{len} runs, {runs_eta} left ({elapsed})",
                    "{pos}/{len} runs done, about {runs_eta} left, {elapsed} elapsed",
                );
                *current = Some((pb, Instant::now()));
            }
            Event::BatchRunDone => {
                if let Some((pb, _)) = &*current {
                    pb.inc(1);
                }
            }
            Event::RunFinished | Event::BatchFinished => {
                if let Some((pb, _)) = current.take() {
                    pb.finish_and_clear();
                }
            }
        }
    })
}

/// A progress bar over `len` steps on stderr: drawn with `bar_template` on a terminal, as
/// plain lines with `plain_template` every [`PLAIN_EVERY`] elsewhere. Templates are
/// indicatif's (`{pos}`, `{len}`, `{msg}`, `{elapsed}`, ...) and `{runs_eta}` (see [`style`]).
fn bar(len: u64, bar_template: &str, plain_template: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(4));
        pb.set_style(style(bar_template).progress_chars("=> "));
        pb
    } else {
        let pb = ProgressBar::with_draw_target(
            Some(len),
            ProgressDrawTarget::term_like_with_hz(Box::new(PlainLines::default()), 1),
        );
        pb.set_style(style(plain_template));
        pb.set_message("starting");
        // Redraw even when nothing finishes for a while (one long run of a sweep).
        pb.enable_steady_tick(PLAIN_EVERY);
        pb
    }
}

/// A style from `template`, with `{runs_eta}`: the time left at the average pace so far.
/// (indicatif's own `{eta}` and `{per_sec}` follow a recent rate that decays while nothing
/// finishes, and showed days left during the minutes-long runs of a large sweep.)
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("valid template")
        .with_key(
            "runs_eta",
            |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let (pos, len) = (s.pos(), s.len().unwrap_or(0));
                let _ = if pos == 0 || pos >= len {
                    write!(w, "?")
                } else {
                    let left = s.elapsed().as_secs_f64() * (len - pos) as f64 / pos as f64;
                    write!(w, "{}", HumanDuration(Duration::from_secs_f64(left)))
                };
            },
        )
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
