//! The one place an error becomes the message the user reads: the
//! library's settings are shown as the flags that set them, with a hint.

use runway::error::{Error, Setting};
use std::path::Path;

/// The text printed after `error: ` for `error`; an error in a model file
/// shows the line with a caret under the field on the lines after it.
pub fn message(error: &Error) -> String {
    let text = match error {
        Error::Setting {
            setting,
            value,
            rule,
        } => setting_message(*setting, value.as_deref(), rule),
        other => other.to_string(),
    };
    match error.location() {
        Some(at) => format!("{text}\n{}", at.snippet()),
        None => text,
    }
}

/// The flag that gives `setting` its value.
fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::Threads => "--threads",
        Setting::Shard => "--shard",
        Setting::Scenario => "--scenario",
        Setting::Force => "--force",
        Setting::Partials => "FILES",
        Setting::Paths => "--paths",
    }
}

/// `--shard 3/2: K must be less than M …`; an output in the way names
/// itself and says how to replace it; missing partial files name the merge.
fn setting_message(setting: Setting, value: Option<&str>, rule: &str) -> String {
    match (setting, value) {
        (Setting::Force, Some(path)) => {
            let folder = if Path::new(path).is_dir() {
                ", or choose another folder"
            } else {
                ""
            };
            format!("{path}: {rule}; pass --force to replace it{folder}")
        }
        (Setting::Partials, _) => format!("merge: {rule}"),
        (setting, Some(value)) => format!("{} {value}: {rule}", flag(setting)),
        (setting, None) => format!("{}: {rule}", flag(setting)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(setting: Setting, value: Option<&str>, rule: &str) -> Error {
        Error::Setting {
            setting,
            value: value.map(String::from),
            rule: rule.into(),
        }
    }

    #[test]
    fn a_setting_is_shown_as_its_flag_and_value() {
        let e = setting(Setting::Shard, Some("0/3"), "fewer than 3 shards");
        assert_eq!(message(&e), "--shard 0/3: fewer than 3 shards");
        let e = setting(Setting::Threads, None, "must be at least 1");
        assert_eq!(message(&e), "--threads: must be at least 1");
    }

    #[test]
    fn an_output_in_the_way_says_to_pass_force() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().display().to_string();
        let e = setting(Setting::Force, Some(&folder), "already holds runway output");
        assert_eq!(
            message(&e),
            format!("{folder}: already holds runway output; pass --force to replace it, or choose another folder")
        );
        let file = dir.path().join("report.html").display().to_string();
        let e = setting(Setting::Force, Some(&file), "exists");
        assert_eq!(
            message(&e),
            format!("{file}: exists; pass --force to replace it")
        );
    }

    #[test]
    fn missing_partial_files_name_the_merge() {
        let e = setting(Setting::Partials, None, "1 of 3 shards missing: 2/3");
        assert_eq!(message(&e), "merge: 1 of 3 shards missing: 2/3");
    }

    #[test]
    fn an_error_in_a_model_file_shows_the_line_with_a_caret_under_the_value() {
        let source = "[cash]\ninitial = -5\n";
        let e = Error::Field {
            file: "m.toml".into(),
            path: "cash.initial".into(),
            value: Some("-5".into()),
            rule: "must not be negative".into(),
            at: Some(Box::new(runway::error::Location::of_span(
                "m.toml",
                source,
                17..19,
            ))),
        };
        assert_eq!(
            message(&e),
            "m.toml: field `cash.initial` = -5: must not be negative\n --> m.toml:2:11\n  |\n2 | initial = -5\n  |           ^^"
        );
    }

    #[test]
    fn other_errors_read_as_the_library_writes_them() {
        let e = Error::Usage("--per-path goes with --out".into());
        assert_eq!(message(&e), "--per-path goes with --out");
    }
}
