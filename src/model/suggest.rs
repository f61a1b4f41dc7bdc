//! "Did you mean …?": the valid name closest to a misspelt one.

/// Levenshtein distance between `a` and `b`, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = here;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name`, when it is close enough to be what
/// was meant: at most max(2, a third of the name's length) edits away (the
/// first of equally close ones). A name far from all gets `None`, and the
/// message lists the valid names instead.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (name.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let d = edit_distance(name, candidate);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `; did you mean `NAME`?` for the closest candidate, or nothing.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("growht", "growth"), 2);
        assert_eq!(edit_distance("efficency_gain", "efficiency_gain"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn a_close_misspelling_finds_the_name_meant() {
        let fields = ["monthly", "growth", "efficiency_gain", "follows"];
        assert_eq!(closest("efficency_gain", fields), Some("efficiency_gain"));
        assert_eq!(closest("growht", fields), Some("growth"));
        assert_eq!(closest("monthy", fields), Some("monthly"));
    }

    #[test]
    fn a_name_far_from_every_candidate_finds_none() {
        let fields = ["model", "cash", "costs", "revenue"];
        assert_eq!(closest("budget", fields), None);
        assert_eq!(closest("ipo", ["no_series_a", "faster_hiring"]), None);
    }

    #[test]
    fn the_suggestion_reads_as_a_question() {
        assert_eq!(
            did_you_mean("normall", ["uniform", "normal"]).as_deref(),
            Some("did you mean `normal`?")
        );
    }
}
