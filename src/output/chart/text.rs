//! Text that must fit: width estimates, wrapping and middle ellipsis.
//!
//! The charts cannot measure text (no font is loaded), so widths are
//! estimated as characters × font size × [`GLYPH`], a generous average for
//! common sans-serif fonts (their digits and lower-case letters average
//! about 0.5 em; bold about 0.55). Every label is fitted with the same
//! estimate, so a label that fits here fits on screen.

/// Average glyph width, in em, the layout assumes.
pub(crate) const GLYPH: f64 = 0.6;

/// Estimated width in pixels of `text` at `px`.
pub(crate) fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * GLYPH
}

/// Characters of text at `px` that fit in `width` pixels (at least 4).
fn chars_in(width: f64, px: f64) -> usize {
    ((width / (px * GLYPH)).floor() as usize).max(4)
}

/// `text` shortened in the middle to fit `width` pixels at `px`: the start
/// and the end are kept (the end is where names that share a prefix
/// differ, e.g. `costs.payroll_berlin.growth` and `…_lisbon.growth`), with
/// `…` between them.
pub(crate) fn fit_middle(text: &str, px: f64, width: f64) -> String {
    let max = chars_in(width, px);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let keep = max - 1;
    let head = keep * 2 / 5;
    let tail = keep - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Each of `names` fitted to `width` pixels at `px` so that shortened
/// names stay apart: a name that fits is kept; a longer one keeps its start
/// and end ([`fit_middle`]) when the end still reaches the part where it
/// differs from every other name, else it keeps its first and last field
/// (`costs.`, `growth`) and, between two ellipses, the part where it
/// differs: `costs.engineering_payroll_berlin_office.growth` and its Lisbon
/// twin become `costs.…_berlin…growth` and `costs.…_lisbon…growth`.
pub(crate) fn fit_names(names: &[String], px: f64, width: f64) -> Vec<String> {
    let max = chars_in(width, px);
    let chars: Vec<Vec<char>> = names.iter().map(|n| n.chars().collect()).collect();
    let common = |a: &[char], b: &[char]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    chars
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if name.len() <= max {
                return names[i].clone();
            }
            // Where this name starts to differ from the one most like it.
            let differs = chars
                .iter()
                .enumerate()
                .filter(|&(j, other)| j != i && other != name)
                .map(|(_, other)| common(name, other))
                .max()
                .unwrap_or(0);
            let single = fit_middle(&names[i], px, width);
            let tail = single.chars().rev().take_while(|&c| c != '…').count();
            if name.len() - tail <= differs {
                return single;
            }
            let head = name.iter().position(|&c| c == '.').map_or(0, |p| p + 1);
            let last = name.iter().rev().position(|&c| c == '.').unwrap_or(0);
            let room = max.saturating_sub(head + last + 2);
            if head + last >= max || room < 4 {
                return single;
            }
            let from = differs
                .saturating_sub(1)
                .max(head)
                .min(name.len() - last - room);
            let mut out: String = name[..head].iter().collect();
            out.push('…');
            out.extend(&name[from..from + room]);
            out.push('…');
            out.extend(&name[name.len() - last..]);
            out
        })
        .collect()
}

/// `text` cut at the end to fit `width` pixels at `px`, ending with `…`.
fn fit_end(text: &str, px: f64, width: f64) -> String {
    let max = chars_in(width, px);
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `text` wrapped at spaces into lines that fit `width` pixels at `px`, at
/// most `max_lines` of them (the last one cut with `…` if the text goes on);
/// a single word wider than a line is shortened in the middle.
pub(crate) fn wrap(text: &str, px: f64, width: f64, max_lines: usize) -> Vec<String> {
    let max = chars_in(width, px);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word = fit_middle(word, px, width);
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines.max(1) {
        let rest = lines.split_off(max_lines.max(1) - 1).join(" ");
        lines.push(fit_end(&rest, px, width));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_middle_ellipsis_keeps_the_start_and_the_end() {
        let a = fit_middle("revenue.subscriptions.growth", 12.0, 150.0);
        assert_eq!(a, "revenue…tions.growth");
        assert!(text_width(&a, 12.0) <= 150.0);
        assert_eq!(fit_middle("short", 12.0, 180.0), "short");
    }

    #[test]
    fn shortened_names_keep_the_part_that_tells_them_apart() {
        let names: Vec<String> = [
            "costs.engineering_payroll_for_the_berlin_office.growth",
            "costs.engineering_payroll_for_the_lisbon_office.growth",
            "revenue.subscriptions.growth",
            "costs.cloud.growth",
        ]
        .map(String::from)
        .to_vec();
        let fitted = fit_names(&names, 12.0, 170.0);
        assert_eq!(fitted[3], "costs.cloud.growth");
        assert!(fitted[0].contains("berlin"), "{fitted:?}");
        assert!(fitted[1].contains("lisbon"), "{fitted:?}");
        assert!(fitted[0].starts_with("costs.") && fitted[0].ends_with("growth"));
        for f in &fitted {
            assert!(text_width(f, 12.0) <= 170.0, "{f}");
        }
    }

    #[test]
    fn wrapped_lines_fit_the_width_and_keep_every_word() {
        let text = "Seed-stage startup · scenario faster_hiring · 20,000 paths · seed 2023";
        let lines = wrap(text, 13.0, 200.0, 5);
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| text_width(l, 13.0) <= 200.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn text_beyond_the_last_line_is_cut_with_an_ellipsis() {
        let lines = wrap(&"word ".repeat(100), 12.0, 120.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("", 12.0, 100.0, 2), vec![String::new()]);
    }
}
