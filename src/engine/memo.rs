//! What a worker remembers of leaf tests over one check's records, by the text tested.

use super::check::Leaf;
// Texts are hashed once per leaf test: a fast hash (never iterated, so order cannot leak).
use foldhash::{HashMap, HashMapExt};

/// Results of leaf tests by the text tested, kept by one worker over one check's records. A leaf's test of a
/// text depends on nothing else, and export columns repeat (dates, scores, severities), so a hash lookup
/// replaces converting the same text again.
#[derive(Default)]
pub struct Memo<'c> {
    /// Per leaf (a check has a handful): its results, and whether it is still worth asking.
    leaves: Vec<(&'c Leaf, LeafMemo)>,
}

#[derive(Default)]
struct LeafMemo {
    results: HashMap<Box<str>, bool>,
    asked: u32,
    found: u32,
    given_up: bool,
}

/// Distinct texts remembered per leaf: enough for the dates of a decade; identifiers fill it and are then
/// tested as before.
const MEMO_PER_LEAF: usize = 4096;

/// The longest text remembered. Dates, scores, severities and versions are short; a log line or a
/// description rarely repeats, and 4,096 copies of long ones would weigh on memory.
const MEMO_TEXT_BYTES: usize = 64;

impl<'c> Memo<'c> {
    /// Whether a leaf's test costs more than the lookup ([`super::ops::worth_remembering`]).
    pub(super) fn worth_it(leaf: &Leaf) -> bool {
        super::ops::worth_remembering(leaf)
    }

    /// `test()`'s answer for `text`, remembered while the leaf's texts repeat enough to pay for the lookups.
    pub(super) fn test(&mut self, leaf: &'c Leaf, text: &str, test: impl FnOnce() -> bool) -> bool {
        if text.len() > MEMO_TEXT_BYTES {
            return test();
        }
        let at = match self.leaves.iter().position(|(l, _)| std::ptr::eq(*l, leaf)) {
            Some(at) => at,
            None => {
                self.leaves.push((leaf, LeafMemo::default()));
                self.leaves.len() - 1
            }
        };
        let Some((_, memo)) = self.leaves.get_mut(at).filter(|(_, m)| !m.given_up) else {
            return test();
        };
        memo.asked += 1;
        if let Some(&result) = memo.results.get(text) {
            memo.found += 1;
            return result;
        }
        let result = test();
        if memo.results.len() < MEMO_PER_LEAF {
            memo.results.insert(text.into(), result);
        } else if memo.found < memo.asked / 4 {
            // Full, and three texts in four are new: the column is an identifier, not worth a lookup.
            memo.given_up = true;
            memo.results = HashMap::new();
        }
        result
    }
}
