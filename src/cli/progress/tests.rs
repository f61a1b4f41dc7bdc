//! The progress loop passes results, errors and panics through.

use super::*;

#[test]
fn the_result_of_the_work_comes_back() {
    let (value, _) = with_progress(10, true, |p| {
        p.paths_done.store(10, Ordering::Relaxed);
        Ok(42)
    })
    .unwrap();
    assert_eq!(value, 42);
}

#[test]
fn an_error_of_the_work_comes_back_unchanged() {
    let err = with_progress(10, true, |_| -> Result<()> { Err(Error::Cancelled) }).unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
}

#[test]
fn a_panicking_worker_is_an_internal_error_with_exit_code_1() {
    let err = with_progress(10, true, |_| -> Result<()> {
        // A panic in a worker of the thread pool reaches the work's thread.
        rayon::scope(|s| s.spawn(|_| panic!("a worker fails")));
        Ok(())
    })
    .unwrap_err();
    assert!(matches!(err, Error::Internal(_)), "{err}");
    assert_eq!(err.exit_code(), 1);
}

#[test]
fn the_progress_line_fits_80_columns_up_to_a_billion_paths() {
    for total in [1_000, 100_000, 1_000_000_000] {
        let line_width = |status: &str| 2 + bar_width(total) + 1 + status.chars().count();
        let slow = status(1, total, Duration::from_secs(3_000));
        let fast = status(total / 2, total, Duration::from_secs(1));
        for s in [&slow, &fast] {
            assert!(line_width(s) <= 80, "{total}: {} wide: {s}", line_width(s));
        }
    }
    let s = status(4_000, 100_000, Duration::from_secs(1));
    assert_eq!(s, "4,000 of 100,000 paths · 4,000 paths/s · eta 24 s");
}
