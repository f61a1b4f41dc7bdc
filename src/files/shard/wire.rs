//! A partial file on disk: its target checked before the run, written
//! atomically with a checksum line, read back and verified.

use super::{invalid, Partial, PARTIAL_FORMAT, PARTIAL_VERSION};
use crate::error::{Error, Result};
use crate::files::sha256_hex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a shard's partial file goes, checked before the run: the folder
/// is writable and the file's temporary (`.NAME.tmp-PID`) already exists,
/// registered, so an interrupted run removes it.
#[derive(Debug)]
pub struct PartialTarget {
    path: PathBuf,
    temp: crate::files::TempFile,
}

impl PartialTarget {
    /// The partial file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes a partial file atomically (its temporary, then a rename); a run
/// interrupted by a signal writes nothing.
pub fn write_partial(target: PartialTarget, partial: &Partial) -> Result<()> {
    let mut bytes = serde_json::to_vec(partial).expect("a partial always serialises");
    bytes.push(b'\n');
    let trailer = format!("sha256 {}\n", sha256_hex(&bytes));
    bytes.extend_from_slice(trailer.as_bytes());
    let PartialTarget { path, temp } = target;
    let failed = |source| Error::Output {
        path: path.clone(),
        action: "cannot write the partial file",
        source,
    };
    std::fs::File::create(temp.path())
        .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
        .map_err(failed)?;
    if path.is_dir() {
        return Err(partial_is_a_folder(&path));
    }
    let _transaction = crate::files::temp::transaction();
    if let Some(signal) = crate::files::signals::received() {
        return Err(Error::Interrupted { signal });
    }
    temp.persist().map_err(|(_temp, source)| failed(source))
}

fn partial_is_a_folder(path: &Path) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        action: "cannot write the partial file",
        source: std::io::Error::other("it is a folder; name a file, e.g. DIR/p0.json"),
    }
}

/// Checks, before a long run, that a partial file can be written at `path`:
/// it is not a folder, and its folder exists and can be written (an
/// existing partial file is replaced, as a rerun of the shard would). Removes
/// leftover temporaries of dead runs in that folder.
pub fn check_partial_path(path: &Path) -> Result<PartialTarget> {
    if path.is_dir() {
        return Err(partial_is_a_folder(path));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Output {
            path: path.to_path_buf(),
            action: "cannot write the partial file",
            source: std::io::Error::other("it does not name a file"),
        })?;
    let unwritable = |source| Error::Output {
        path: path.to_path_buf(),
        action: "cannot write the partial file there",
        source,
    };
    crate::files::probe_folder(dir).map_err(unwritable)?;
    crate::files::temp::sweep_stale(dir, &[name]);
    let temp = crate::files::TempFile::create(dir, name).map_err(unwritable)?;
    Ok(PartialTarget {
        path: path.to_path_buf(),
        temp,
    })
}

/// Reads and verifies a partial file.
pub fn read_partial(path: &Path) -> Result<Partial> {
    let size = std::fs::metadata(path)
        .map_err(|e| invalid(path, format!("cannot read the partial file: {e}")))?
        .len();
    if size > MAX_PARTIAL_BYTES {
        return Err(invalid(
            path,
            format!(
                "{size} bytes is larger than any partial file runway writes (at most {} MiB, for 600 months); not a runway partial file",
                MAX_PARTIAL_BYTES >> 20
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| invalid(path, format!("cannot read the partial file: {e}")))?;
    let body_end = bytes[..bytes.len().saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1);
    let (body, trailer) = match body_end {
        Some(i) => (&bytes[..i], &bytes[i..]),
        None => {
            return Err(invalid(
                path,
                "truncated or not a runway partial file: no checksum line",
            ))
        }
    };
    let trailer = std::str::from_utf8(trailer).unwrap_or("").trim();
    let Some(expected) = trailer.strip_prefix("sha256 ") else {
        return Err(invalid(
            path,
            "truncated or not a runway partial file: the last line is not its checksum",
        ));
    };
    if sha256_hex(body) != expected {
        return Err(invalid(
            path,
            "corrupted: its checksum does not match its contents",
        ));
    }
    let partial: Partial = serde_json::from_slice(body)
        .map_err(|e| invalid(path, format!("not a runway partial file: {e}")))?;
    if partial.format != PARTIAL_FORMAT {
        return Err(invalid(
            path,
            format!("format is `{}`, not `{PARTIAL_FORMAT}`", partial.format),
        ));
    }
    if partial.format_version != PARTIAL_VERSION {
        return Err(invalid(
            path,
            format!(
                "format version {} is not {PARTIAL_VERSION}; merge with the runway that wrote it",
                partial.format_version
            ),
        ));
    }
    Ok(partial)
}

/// The largest partial file read: far above what 600 months of sketches
/// take, far below what would strain memory.
const MAX_PARTIAL_BYTES: u64 = 256 << 20;
