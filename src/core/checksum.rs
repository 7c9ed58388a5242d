//! Checksums of migration files, stable across line endings and byte-order marks.
//! Pure: sha2 only.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The name stored beside every checksum in the tracking table, so the algorithm or its
/// normalization can change later without making every applied revision look edited.
/// `sha256-lf` means: a leading BOM dropped, CRLF turned into LF, then SHA-256 of the UTF-8.
pub const ALGORITHM: &str = "sha256-lf";

/// A SHA-256 digest, shown as 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Checksum([u8; 32]);

/// Why a text is not a checksum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a checksum is 64 hex digits, not {text:?}")]
pub struct ChecksumParseError {
    pub text: String,
}

impl Checksum {
    /// The checksum of a migration file's text, after normalization (see [`ALGORITHM`]).
    pub fn of_text(text: &str) -> Self {
        let mut hasher = Sha256::new();
        feed_normalized(&mut hasher, text);
        Self(hasher.finalize().into())
    }

    /// The checksum of a sequence of byte strings, each prefixed by its length so that
    /// moving a boundary between parts changes the result.
    pub fn of_parts(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        Self(hasher.finalize().into())
    }

    /// A digest kept as its raw bytes (see [`Checksum::as_bytes`]).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Feeds `text` to the hasher with a leading BOM dropped and every CRLF as LF, without
/// copying the text.
fn feed_normalized(hasher: &mut Sha256, text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rest = text.as_bytes();
    // Fed whole up to each '\r' (all of most files has none), found with memchr.
    while let Some(at) = memchr::memchr(b'\r', rest) {
        // Drop the '\r' of a CRLF; the '\n' starts the rest. A lone '\r' stays.
        let crlf = rest.get(at + 1) == Some(&b'\n');
        hasher.update(&rest[..if crlf { at } else { at + 1 }]);
        rest = &rest[at + 1..];
    }
    hasher.update(rest);
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written at once from a table: `{:02x}` per byte went through the formatter 32
        // times, and every step writes two checksums (8% of a 1,000-step upgrade's
        // instructions under callgrind).
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Checksum {
    type Err = ChecksumParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ChecksumParseError {
            text: text.to_owned(),
        };
        fn nibble(digit: u8) -> Option<u8> {
            match digit {
                b'0'..=b'9' => Some(digit - b'0'),
                b'a'..=b'f' => Some(digit - b'a' + 10),
                b'A'..=b'F' => Some(digit - b'A' + 10),
                _ => None,
            }
        }
        let digits = text.as_bytes();
        if digits.len() != 64 {
            return Err(error());
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte =
                (nibble(pair[0]).ok_or_else(error)? << 4) | nibble(pair[1]).ok_or_else(error)?;
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_value() {
        assert_eq!(
            Checksum::of_text("").to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn uppercase_hex_parses_to_the_same_digest() {
        let sum = Checksum::of_text("select 1;");
        let upper = sum.to_string().to_uppercase();
        assert_eq!(upper.parse::<Checksum>().unwrap(), sum);
        assert!("xyz".parse::<Checksum>().is_err());
    }

    #[test]
    fn line_endings_past_and_across_the_hashed_pieces_are_normalized() {
        // A CRLF split between two pieces, one deep in the file, and a lone '\r' kept.
        for before in [64 * 1024 - 1, 64 * 1024, 200_000] {
            let body = "a".repeat(before);
            let crlf = format!("{body}\r\nb\r\n{body}\rc");
            let lf = format!("{body}\nb\n{body}\rc");
            let digest: [u8; 32] = Sha256::digest(lf.as_bytes()).into();
            assert_eq!(Checksum::of_text(&crlf).as_bytes(), &digest, "{before}");
            assert_eq!(Checksum::of_text(&lf).as_bytes(), &digest, "{before}");
        }
    }

    proptest! {
        #[test]
        fn crlf_and_bom_do_not_change_the_checksum(lines in proptest::collection::vec("[^\r\n\u{feff}]{0,20}", 0..8)) {
            let unix = lines.join("\n");
            let windows = lines.join("\r\n");
            let with_bom = format!("\u{feff}{windows}");
            prop_assert_eq!(Checksum::of_text(&unix), Checksum::of_text(&windows));
            prop_assert_eq!(Checksum::of_text(&unix), Checksum::of_text(&with_bom));
        }

        #[test]
        fn display_round_trips(text in "\\PC{0,40}") {
            let sum = Checksum::of_text(&text);
            prop_assert_eq!(sum.to_string().parse::<Checksum>().unwrap(), sum);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,70}") {
            let _ = text.parse::<Checksum>();
        }
    }
}
