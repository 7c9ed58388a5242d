//! `migrate adopt`: each checksum another tool stored against our file, computed the way
//! that tool computes it, with the settings that change it (sqlx's ignored characters,
//! refinery's version width). Pure: no I/O.

use super::adopt_tool::{ForeignVersion, Tool};
use super::foreign_checksum::{RefineryVersion, flyway_checksum, refinery_checksum, sqlx_checksum};
use super::ignored_chars::IgnoredChars;
use super::revision::Revision;
use super::revision_id::RevisionId;

/// How a stored checksum compares with the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Same,
    Differs {
        stored: String,
        computed: String,
    },
    /// The tool stored one, but we do not compute it exactly (or cannot read it).
    NotCompared {
        reason: String,
    },
}

/// One adopted revision's stored checksum against its up file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecksumCheck {
    #[serde(serialize_with = "serialize_display")]
    pub id: RevisionId,
    /// The up file, as users name it.
    #[serde(rename = "file")]
    pub origin: String,
    #[serde(flatten)]
    pub verdict: Verdict,
}

fn serialize_display<S: serde::Serializer>(id: &RevisionId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

/// How refinery fed its versions to its checksums: one choice per table, made when the
/// application was built (the `int8-versions` feature), which also typed its `version`
/// column `int4` or `int8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefineryWidth {
    Int4,
    Int8,
}

/// How one tool's stored checksums are computed for this adoption.
#[derive(Debug, Clone)]
pub struct ChecksumRule {
    pub tool: Tool,
    /// sqlx's `ignored-chars`.
    pub ignored: IgnoredChars,
    pub refinery: RefineryWidth,
}

impl ChecksumRule {
    /// The stored checksum against the file, when the tool stored one.
    pub fn check(&self, revision: &Revision, version: &ForeignVersion) -> Option<ChecksumCheck> {
        let stored = version.checksum.clone()?;
        let text = &revision.up.text;
        let computed = match self.tool {
            Tool::Sqlx => Ok(sqlx_checksum(text, &self.ignored)),
            Tool::Flyway => Ok(flyway_checksum(text).to_string()),
            Tool::Refinery => refinery_version(&version.version, self.refinery)
                .map(|number| refinery_checksum(refinery_name(&revision.slug), number, text)),
            tool => Err(format!("{tool} checksums are not computed")),
        };
        let verdict = match computed {
            Ok(computed) if computed.eq_ignore_ascii_case(&stored) => Verdict::Same,
            Ok(computed) => Verdict::Differs { stored, computed },
            Err(reason) => Verdict::NotCompared { reason },
        };
        Some(ChecksumCheck {
            id: revision.id.clone(),
            origin: revision.up.origin.clone(),
            verdict,
        })
    }
}

/// The width refinery's table was made with. Its column type would say, but every value
/// is read as text, and the rows say it as surely: the first row whose checksum matches
/// one width decides (a SipHash that matches under the wrong width is a 2^-64 chance).
/// With no row matching either, a version beyond `i32` means `int8`; else refinery's
/// default, `int4`.
pub fn refinery_width(stored: &[(&Revision, &ForeignVersion)]) -> RefineryWidth {
    let matches = |revision: &Revision, version: &ForeignVersion, width| {
        let computed = refinery_version(&version.version, width).map(|number| {
            refinery_checksum(refinery_name(&revision.slug), number, &revision.up.text)
        });
        matches!((computed, &version.checksum), (Ok(computed), Some(stored)) if &computed == stored)
    };
    for &(revision, version) in stored {
        for width in [RefineryWidth::Int4, RefineryWidth::Int8] {
            if matches(revision, version, width) {
                return width;
            }
        }
    }
    let beyond_i32 = stored
        .iter()
        .any(|(_, version)| version.version.parse::<i32>().is_err());
    if beyond_i32 {
        RefineryWidth::Int8
    } else {
        RefineryWidth::Int4
    }
}

/// A refinery version as the table's width hashes it.
fn refinery_version(version: &str, width: RefineryWidth) -> Result<RefineryVersion, String> {
    match width {
        RefineryWidth::Int4 => version.parse().map(RefineryVersion::Int4).map_err(|_| {
            "the version is not a 32-bit integer, as refinery's int4 versions are".into()
        }),
        RefineryWidth::Int8 => version
            .parse()
            .map(RefineryVersion::Int8)
            .map_err(|_| "the version is not a 64-bit integer".into()),
    }
}

/// The name refinery hashes: its file-name pattern takes the run of word characters after
/// `__`, so `V1__add-users.sql` is named `add`.
fn refinery_name(slug: &str) -> &str {
    slug.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or(slug)
}
