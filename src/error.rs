//! Typed errors of the library, each mapped to an exit code by the binary.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in runway.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model file could not be read.
    #[error("{file}: cannot read the model file: {source}")]
    ReadModel {
        /// The file as the user named it.
        file: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The model file is not valid TOML.
    #[error("{file}:{line}:{column}: not valid TOML: {message}")]
    Syntax {
        /// The file as the user named it.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
        /// The source line with a caret under the error, when known.
        at: Option<Box<Location>>,
    },
    /// A field of the model breaks a rule.
    #[error("{file}: field `{path}`{shown}: {rule}", shown = show_value(value))]
    Field {
        /// The file as the user named it (or `--set` for an override).
        file: String,
        /// Dotted field path, e.g. `costs.inference.efficiency_gain`.
        path: String,
        /// The offending value as written, when there is one.
        value: Option<String>,
        /// What is wrong and what is allowed.
        rule: String,
        /// Where in the model file the field is written: filled in when
        /// the model is loaded (none for a `--set` override).
        at: Option<Box<Location>>,
    },
    /// An input file other than a model (e.g. a partial result) is invalid.
    #[error("{file}: {rule}")]
    Input {
        /// The file as the user named it.
        file: String,
        /// What is wrong.
        rule: String,
    },
    /// A setting of a request to the library (a run's threads, a shard, a
    /// scenario name, an output folder, the files to merge) breaks a rule.
    /// The command line shows `setting` as its flag (`--threads 0: …`).
    #[error("{}{}: {rule}", setting.name(), value.as_deref().map(|v| format!(" {v}")).unwrap_or_default())]
    Setting {
        /// Which setting.
        setting: Setting,
        /// The value given, as written, when there is one.
        value: Option<String>,
        /// What is wrong and what is allowed.
        rule: String,
    },
    /// A command-line argument is invalid (raised by the command line only).
    #[error("{0}")]
    Usage(String),
    /// An output file or folder cannot be written.
    #[error("{}: {action}: {source}", path.display())]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The run was stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) before it
    /// finished.
    #[error("interrupted by {}: the run was stopped before it finished; no output file was written", signal_name(*signal))]
    Interrupted {
        /// The signal's number (2 SIGINT, 15 SIGTERM, 1 SIGHUP).
        signal: i32,
    },
    /// The caller asked the run to stop (set `Progress::cancel` of the engine)
    /// before it finished.
    #[error("the run was cancelled before it finished")]
    Cancelled,
    /// A rare-event or reforecast estimate whose diagnostics say it may be wrong: the
    /// report was shown with its warnings; the command fails so that no
    /// script takes the number for a sound one.
    #[error("the estimate is unreliable: {0}")]
    Unreliable(String),
    /// A bug in runway (e.g. a worker thread panicked).
    #[error("internal error: {0}; please report this as a bug")]
    Internal(String),
    /// A path produced an amount that is not finite: the first such path
    /// in path order (the same for any thread count).
    #[error("{file}: path {path} (seed {seed}): {cause}")]
    NonFinite {
        /// The model file.
        file: String,
        /// Index of the path.
        path: u64,
        /// The run's seed.
        seed: u64,
        /// Which input or line went out of range, and what to change.
        cause: String,
    },
}

/// A place in a model file: what a message shows under its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The whole source line, without its line break.
    pub text: String,
    /// How many characters to underline from `column` (at least 1).
    pub width: usize,
}

impl Location {
    /// The location of the bytes `span` of `source` (the text of `file`):
    /// its first line, underlined to the end of the span or of that line.
    pub fn of_span(file: &str, source: &str, span: std::ops::Range<usize>) -> Location {
        let mut start = span.start.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = source[line_start..line_end].trim_end_matches('\r');
        let end = span.end.clamp(start, line_start + text.len());
        let end = (end..=source.len())
            .find(|&i| source.is_char_boundary(i))
            .unwrap_or(source.len());
        Location {
            file: file.to_string(),
            line: source[..start].matches('\n').count() + 1,
            column: source[line_start..start].chars().count() + 1,
            text: text.to_string(),
            width: source[start..end].chars().count().max(1),
        }
    }

    /// The location as a compiler shows one, under the message:
    ///
    /// ```text
    ///   --> model.toml:13:10
    ///    |
    /// 13 | growth = { normal = { mean = 0.01, sd = -1 } }
    ///    |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    /// ```
    pub fn snippet(&self) -> String {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        // Tabs stay tabs, so the caret lines up under any tab width.
        let pad: String = self
            .text
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "{gutter}--> {}:{}:{}\n{gutter} |\n{number} | {}\n{gutter} | {pad}{}",
            self.file,
            self.line,
            self.column,
            self.text,
            "^".repeat(self.width)
        )
    }
}

/// The settings a library caller gives besides the model; each is one flag
/// of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Worker threads of a run.
    Threads,
    /// Which shard of a run (`K/M`).
    Shard,
    /// A scenario of the model.
    Scenario,
    /// Replacing the runway files already in an output folder.
    Force,
    /// The partial files given to a merge.
    Partials,
    /// How many paths a run simulates.
    Paths,
}

impl Setting {
    /// The setting's name in the library's own messages.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Threads => "threads",
            Setting::Shard => "shard",
            Setting::Scenario => "scenario",
            Setting::Force => "force",
            Setting::Partials => "partial files",
            Setting::Paths => "paths",
        }
    }
}

/// `SIGINT`, `SIGTERM`, `SIGHUP` or `signal N`.
pub fn signal_name(signal: i32) -> String {
    match signal {
        1 => "SIGHUP".into(),
        2 => "SIGINT".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

fn show_value(value: &Option<String>) -> String {
    match value {
        Some(v) => format!(" = {v}"),
        None => String::new(),
    }
}

impl Error {
    /// Where in the model file the error is, when it is known.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Field { at, .. } | Error::Syntax { at, .. } => at.as_deref(),
            _ => None,
        }
    }

    /// Exit code: 2 for invalid input (model or arguments), 128 + the
    /// signal number for an interruption (130 SIGINT, 143 SIGTERM, 129
    /// SIGHUP), 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::ReadModel { .. }
            | Error::Syntax { .. }
            | Error::Field { .. }
            | Error::Input { .. }
            | Error::Setting { .. }
            | Error::Usage(_) => 2,
            Error::Interrupted { signal } => 128 + signal,
            Error::Output { .. }
            | Error::NonFinite { .. }
            | Error::Cancelled
            | Error::Unreliable(_)
            | Error::Internal(_) => 1,
        }
    }
}

/// Result with runway's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
