//! Progress of long jobs as the library reports it: [`Event`]s passed to a callback that
//! the caller supplies in the job's options ([`Progress`]). The library writes nothing to
//! the terminal; the command line draws the events as bars on stderr (`cli/progress.rs`).

use std::sync::Arc;

/// One step of a long job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A run starts simulating.
    RunStarted {
        /// Simulated hours at most (the run may end earlier, once its parcels arrived).
        hours: u64,
    },
    /// A run's clock reached an hour.
    RunAt {
        /// The simulated hour reached.
        hour: u64,
        /// Parcels generated so far.
        generated: u64,
        /// Parcels in the network now.
        in_network: u64,
    },
    /// The run finished simulating.
    RunFinished,
    /// A batch of `runs` independent runs starts (a sweep, a comparison, an instrument).
    BatchStarted {
        /// Runs in the batch.
        runs: u64,
    },
    /// One more run of the batch is done.
    BatchRunDone,
    /// The batch is done.
    BatchFinished,
}

/// Where a job reports its progress: a callback (called from any of the job's threads), or
/// nowhere ([`Progress::silent`], the default).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(Event) + Send + Sync>>);

impl Progress {
    /// Reports to `f`.
    pub fn new(f: impl Fn(Event) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(f)))
    }

    /// Reports nowhere.
    pub fn silent() -> Progress {
        Progress(None)
    }

    /// Passes `e` to the callback, if any.
    pub fn report(&self, e: Event) {
        if let Some(f) = &self.0 {
            f(e);
        }
    }

    /// Starts reporting a batch of `runs` runs.
    pub fn batch(&self, runs: usize) -> Batch<'_> {
        self.report(Event::BatchStarted { runs: runs as u64 });
        Batch(self)
    }
}

/// A batch of runs being reported: [`Event::BatchRunDone`] at each [`Batch::done`] (from
/// any thread), [`Event::BatchFinished`] when it is dropped.
pub struct Batch<'a>(&'a Progress);

impl Batch<'_> {
    /// One more run of the batch is done.
    pub fn done(&self) {
        self.0.report(Event::BatchRunDone);
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.0.report(Event::BatchFinished);
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(callback)"
        } else {
            "Progress(silent)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_callback_receives_the_events_in_order_and_silence_receives_none() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let p = Progress::new(move |e| s.lock().unwrap().push(e));
        let batch = p.batch(2);
        batch.done();
        drop(batch);
        p.clone().report(Event::RunFinished);
        Progress::silent().batch(3).done();
        assert_eq!(
            *seen.lock().unwrap(),
            [
                Event::BatchStarted { runs: 2 },
                Event::BatchRunDone,
                Event::BatchFinished,
                Event::RunFinished
            ]
        );
    }
}
