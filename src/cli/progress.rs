//! The one progress bar and Ctrl-C loop of every command that simulates.

use runway::engine::Progress;
use runway::error::{Error, Result};
use runway::output::number;
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
                let template = format!("{{spinner}} {{bar:{}}} {{msg}}", bar_width(total));
                b.set_style(
                    indicatif::ProgressStyle::with_template(&template).expect("valid template"),
                );
                bar = Some(b);
            }
            if let Some(b) = &bar {
                let done = progress.paths_done.load(Ordering::Relaxed).min(total);
                b.set_position(done);
                b.set_message(status(done, total, started.elapsed()));
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

/// The widest the bar's line may be (the tables' default width).
const LINE_WIDTH: usize = runway::output::DEFAULT_WIDTH;

/// What follows the bar: `4,000 of 100,000 paths · 728,136 paths/s · eta 2 s`.
fn status(done: u64, total: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let speed = done as f64 / seconds.max(1e-9);
    let eta = if done == 0 {
        "–".to_string()
    } else {
        let left = (total - done) as f64 / speed;
        match left.ceil() as u64 {
            s if s < 100 => format!("{s} s"),
            s if s < 6000 => format!("{} min", s.div_ceil(60)),
            s => format!("{} h", s.div_ceil(3600)),
        }
    };
    format!(
        "{} of {} paths · {} · eta {eta}",
        number::count(done),
        number::count(total),
        number::rate(speed, "paths")
    )
}

/// The bar's cells: what the line leaves for it at the widest status
/// (every count as long as `total`, a speed of 10⁹ paths/s, a long eta),
/// at least 10.
fn bar_width(total: u64) -> usize {
    let widest = format!(
        "{} of {} paths · {} · eta 999 min",
        number::count(total),
        number::count(total),
        number::rate(1e9, "paths")
    );
    let widest = widest.chars().count();
    LINE_WIDTH.saturating_sub(2 + 1 + widest).max(10)
}

#[cfg(test)]
mod tests;
