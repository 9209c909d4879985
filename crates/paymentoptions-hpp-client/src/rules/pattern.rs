//! The spec's `pattern`s: ECMA-262 regular expressions, compiled once each.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

/// Whether `s` matches the spec's ECMA-262 `pattern` (anywhere, as JSON Schema reads it).
pub fn matches_pattern(pattern: &'static str, s: &str) -> bool {
    match compiled(pattern) {
        Some(re) => re.find(s).is_some(),
        // The generated types compile the same pattern, so the spec cannot ship a broken one;
        // should it, the generated type still refuses the value when the model is built.
        None => true,
    }
}

/// The spec's `pattern`, compiled on its first check and kept for the process: the patterns
/// are the spec's, a fixed set, and compiling one costs far more than matching it.
fn compiled(pattern: &'static str) -> Option<Arc<regress::Regex>> {
    type Cache = RwLock<HashMap<&'static str, Option<Arc<regress::Regex>>>>;
    static CACHE: LazyLock<Cache> = LazyLock::new(Cache::default);
    // A poisoned lock only means another check panicked; the map itself is always whole.
    if let Some(re) = CACHE
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(pattern)
    {
        return re.clone();
    }
    let re = regress::Regex::new(pattern).ok().map(Arc::new);
    CACHE
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(pattern)
        .or_insert(re)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pattern, value, whether it matches. Patterns that share values are interleaved, so
    /// that a cache handing out the wrong pattern's regex would answer wrongly.
    const CASES: &[(&str, &str, bool)] = &[
        ("^[A-Z]{3}$", "JPY", true),
        ("^[A-Z]{3}$", "jpy", false),
        // Found anywhere, as JSON Schema reads an unanchored pattern.
        ("[0-9]", "ab1", true),
        ("[0-9]", "abc", false),
        ("^a+$", "aaa", true),
        ("^b+$", "aaa", false),
        ("^b+$", "bbb", true),
        ("^a+$", "bbb", false),
        // A pattern that does not compile leaves the value to the generated type.
        ("[unclosed", "anything", true),
    ];

    #[test]
    fn each_pattern_answers_the_same_on_every_check() {
        for round in 0..3 {
            for &(pattern, value, matches) in CASES {
                assert_eq!(
                    matches_pattern(pattern, value),
                    matches,
                    "round {round}: {pattern:?} against {value:?}"
                );
            }
        }
    }
}
