//! The checksums other tools store for a migration file, computed the way each tool does,
//! so `adopt` can tell whether the files still match what that tool applied.
//! Pure: sha2 and siphasher only.

use sha2::{Digest, Sha384};

use super::ignored_chars::IgnoredChars;
use siphasher::sip::SipHasher13;
use std::hash::Hasher as _;

/// sqlx: SHA-384 of the file's text as read, as lowercase hex, less the characters its
/// `ignored-chars` setting names (none by default: then every byte counts, a BOM too).
pub fn sqlx_checksum(text: &str, ignored: &IgnoredChars) -> String {
    let mut digest = Sha384::new();
    if ignored.is_empty() {
        digest.update(text.as_bytes());
    } else {
        for fragment in text.split(|c| ignored.contains(c)) {
            digest.update(fragment.as_bytes());
        }
    }
    digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Flyway: CRC-32 (IEEE) over the file read line by line, a leading BOM dropped, each line
/// fed as UTF-8 without its terminator, stored as a signed 32-bit integer.
///
/// Java's `BufferedReader.readLine` ends a line at `\n`, `\r` or `\r\n`, and feeding the
/// lines one after another is the same as feeding the text with every `\r` and `\n`
/// removed.
pub fn flyway_checksum(text: &str) -> i32 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = Crc32::new();
    for line in text.split(['\r', '\n']) {
        crc.update(line.as_bytes());
    }
    // Flyway stores Java's `(int) crc32.getValue()`: the same 32 bits, read as signed.
    i32::from_ne_bytes(crc.finish().to_ne_bytes())
}

/// A refinery version as its checksum feeds it: an `i32`, or an `i64` when the application
/// was built with refinery's `int8-versions` feature (its table's `version` is then `int8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefineryVersion {
    Int4(i32),
    Int8(i64),
}

/// refinery: SipHash-1-3 with zero keys over the migration's name, its version and its SQL,
/// each fed as Rust's `Hash` feeds it (a string's bytes then `0xff`; an integer's
/// little-endian bytes, 4 or 8 of them), shown as the decimal `u64`.
pub fn refinery_checksum(name: &str, version: RefineryVersion, sql: &str) -> String {
    let mut hasher = SipHasher13::new();
    hasher.write(name.as_bytes());
    hasher.write(&[0xff]);
    match version {
        RefineryVersion::Int4(version) => hasher.write(&version.to_le_bytes()),
        RefineryVersion::Int8(version) => hasher.write(&version.to_le_bytes()),
    }
    hasher.write(sql.as_bytes());
    hasher.write(&[0xff]);
    hasher.finish().to_string()
}

/// CRC-32 with the IEEE polynomial, reflected, as `java.util.zip.CRC32` computes it.
struct Crc32 {
    state: u32,
}

impl Crc32 {
    fn new() -> Self {
        Self { state: !0 }
    }

    fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.state ^= u32::from(byte);
            for _ in 0..8 {
                let mask = (self.state & 1).wrapping_neg();
                self.state = (self.state >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
    }

    fn finish(&self) -> u32 {
        !self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::hash::{Hash, Hasher};

    #[test]
    fn crc32_check_value() {
        let mut crc = Crc32::new();
        crc.update(b"123456789");
        assert_eq!(crc.finish(), 0xCBF4_3926);
    }

    #[test]
    fn flyway_drops_line_ends_and_bom() {
        let expected = flyway_checksum("select 1;select 2;");
        assert_eq!(flyway_checksum("select 1;\nselect 2;\n"), expected);
        assert_eq!(flyway_checksum("\u{feff}select 1;\r\nselect 2;"), expected);
        assert_eq!(flyway_checksum("select 1;\rselect 2;\r\n\r\n"), expected);
    }

    #[test]
    fn sqlx_is_sha384_of_the_bytes() {
        assert_eq!(
            sqlx_checksum("", &IgnoredChars::default()),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
    }

    #[test]
    fn sqlx_ignored_chars_are_left_out() {
        let none = IgnoredChars::default();
        let whitespace: IgnoredChars = " \\t\\r\\n\\u{FEFF}".parse().unwrap();
        let text = "\u{feff}create table comment (\r\n\tid int\r\n);\r\n";
        let stripped = "createtablecomment(idint);";
        assert_eq!(
            sqlx_checksum(text, &whitespace),
            sqlx_checksum(stripped, &none)
        );
        assert_ne!(sqlx_checksum(text, &none), sqlx_checksum(stripped, &none));
    }

    #[test]
    fn refinery_feeds_what_derived_hash_feeds() {
        // The same stream of bytes as refinery's `name.hash(); version.hash(); sql.hash()`.
        let mut hasher = SipHasher13::new();
        "create_users".hash(&mut hasher);
        1_i32.hash(&mut hasher);
        "CREATE TABLE users ();\n".hash(&mut hasher);
        let int4 = RefineryVersion::Int4(1);
        assert_eq!(
            refinery_checksum("create_users", int4, "CREATE TABLE users ();\n"),
            hasher.finish().to_string()
        );
        // int8-versions: the same version hashed as an i64.
        let mut hasher = SipHasher13::new();
        "create_users".hash(&mut hasher);
        1_i64.hash(&mut hasher);
        "CREATE TABLE users ();\n".hash(&mut hasher);
        let int8 = RefineryVersion::Int8(1);
        assert_eq!(
            refinery_checksum("create_users", int8, "CREATE TABLE users ();\n"),
            hasher.finish().to_string()
        );
    }

    proptest! {
        #[test]
        fn flyway_ignores_the_line_ending_style(lines in proptest::collection::vec("[^\r\n\u{feff}]{0,20}", 0..6)) {
            prop_assert_eq!(flyway_checksum(&lines.join("\n")), flyway_checksum(&lines.join("\r\n")));
        }
    }
}
