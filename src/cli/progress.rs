//! The one progress bar and Ctrl-C loop of every command that simulates.

use runway::engine::Progress;
use runway::error::{Error, Result};
use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Runs `f` on a worker thread while this one shows a progress bar (on a
/// terminal, unless `quiet`) and passes a stop signal on to `f` through
/// [`Progress::cancel`]; `f` then stops at its next block.
pub fn with_progress<T: Send>(
    total: u64,
    quiet: bool,
    f: impl FnOnce(&Progress) -> Result<T> + Send,
) -> Result<(T, Duration)> {
    let _watching = runway::files::signals::Watching::start();
    let progress = Progress::default();
    let show = !quiet && std::io::stderr().is_terminal();
    let started = Instant::now();
    let stop_requested = || runway::files::signals::received().is_some();
    if stop_requested() {
        return Err(runway::files::signals::interrupted());
    }
    let result = std::thread::scope(|scope| {
        let progress = &progress;
        let worker = scope.spawn(move || f(progress));
        let mut bar: Option<indicatif::ProgressBar> = None;
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(50));
            if stop_requested() {
                progress.cancel.store(true, Ordering::Relaxed);
            }
            if show && bar.is_none() && started.elapsed() > Duration::from_millis(700) {
                let b = indicatif::ProgressBar::with_draw_target(
                    Some(total),
                    indicatif::ProgressDrawTarget::stderr(),
                );
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {bar:40} {human_pos}/{human_len} paths · {per_sec} · eta {eta}",
                    )
                    .expect("valid template"),
                );
                bar = Some(b);
            }
            if let Some(b) = &bar {
                b.set_position(progress.paths_done.load(Ordering::Relaxed).min(total));
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        worker
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("a worker thread panicked".into())))
    });
    // A signal that came after the last block was taken still stops the
    // command: it exits with the signal's code, not 0.
    if runway::files::signals::received().is_some()
        && matches!(result, Ok(_) | Err(Error::Cancelled))
    {
        return Err(runway::files::signals::interrupted());
    }
    result.map(|v| (v, started.elapsed()))
}

#[cfg(test)]
mod tests;
