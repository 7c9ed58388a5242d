//! How a tool orders its revision ids: as numbers (most tools) or as text (diesel, popx,
//! Atlas, Prisma). Pure: no I/O.

use std::cmp::Ordering;

use super::revision_id::RevisionId;

/// The order a history's revisions run in, which is the order of the tool whose folder it
/// was read from.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum IdOrder {
    /// [`RevisionId`]'s own order: runs of digits compare as numbers, so `9` runs before
    /// `10` (sqlx, golang-migrate, goose, Flyway, refinery, dbmate's timestamps, ours).
    #[default]
    Natural,
    /// The ids compared as text with their dashes dropped, byte by byte: diesel keeps a
    /// version as the string before the first `_` without its dashes and sorts those
    /// strings, so `2017-08-31-230457` runs after `20140924113530`, and
    /// `2025-11-19-091444-0000` (18 digits) before `20260101000000`; popx, Atlas and
    /// Prisma sort their versions or file names as text too.
    Text,
}

impl IdOrder {
    /// Compares two ids. Under [`IdOrder::Text`], ids that differ only in their dashes
    /// are equal, as they are the same version to diesel.
    pub fn cmp(self, a: &RevisionId, b: &RevisionId) -> Ordering {
        match self {
            Self::Natural => a.cmp(b),
            Self::Text => {
                let undashed = |id: &RevisionId| {
                    id.as_str()
                        .bytes()
                        .filter(|&byte| byte != b'-')
                        .collect::<Vec<u8>>()
                };
                undashed(a).cmp(&undashed(b))
            }
        }
    }

    /// Whether `a` runs before `b`.
    pub fn lt(self, a: &RevisionId, b: &RevisionId) -> bool {
        self.cmp(a, b) == Ordering::Less
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(text: &str) -> RevisionId {
        text.parse().unwrap()
    }

    #[test]
    fn diesel_mixed_formats_sort_as_diesel_sorts_them() {
        let mut ids = [
            id("20260101000000"),
            id("2025-11-19-091444-0000"),
            id("2017-08-31-230457"),
            id("20140924113530"),
            id("00000000000000"),
        ];
        ids.sort_by(|a, b| IdOrder::Text.cmp(a, b));
        let texts: Vec<&str> = ids.iter().map(RevisionId::as_str).collect();
        assert_eq!(
            texts,
            [
                "00000000000000",
                "20140924113530",
                "2017-08-31-230457",
                "2025-11-19-091444-0000",
                "20260101000000",
            ]
        );
        // The natural order reads `2017` as a number of its own and runs 2017 before 2014.
        assert!(id("2017-08-31-230457") < id("20140924113530"));
    }

    #[test]
    fn dashes_alone_do_not_make_another_version() {
        assert_eq!(
            IdOrder::Text.cmp(&id("2017-08-31-230457"), &id("20170831230457")),
            Ordering::Equal
        );
        assert_ne!(
            IdOrder::Natural.cmp(&id("2017-08-31-230457"), &id("20170831230457")),
            Ordering::Equal
        );
    }

    proptest! {
        /// The text order is the order of diesel's version strings (the id without its
        /// dashes), whatever mix of formats the ids are written in.
        #[test]
        fn text_order_is_the_order_of_the_undashed_strings(
            a in "[0-9][0-9-]{0,20}",
            b in "[0-9][0-9-]{0,20}",
        ) {
            let expected = a.replace('-', "").cmp(&b.replace('-', ""));
            prop_assert_eq!(IdOrder::Text.cmp(&id(&a), &id(&b)), expected);
        }
    }
}
