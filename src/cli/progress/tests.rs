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
