//! One file of a migrations directory as read, from disk or embedded in the binary.

use std::ops::Deref;
use std::sync::Arc;

use super::at_once::at_once;

/// One file, by its path relative to the tree's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// `/`-separated, relative to the root: plain text, because sorting and matching
    /// thousands of `Path`s component by component is most of a no-op run's cost.
    pub path: String,
    pub bytes: FileBytes,
}

/// A file's bytes: embedded in the binary, or read into a shared allocation that a
/// script's text then shares (see [`FileBytes::to_text`]) rather than copies, so a
/// 76 MB data migration is held once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileBytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl FileBytes {
    /// The bytes as shared text, without a copy when they were read from disk; `None`
    /// when they are not UTF-8.
    pub fn to_text(&self) -> Option<Arc<str>> {
        match self {
            Self::Static(bytes) => std::str::from_utf8(bytes).ok().map(Arc::from),
            Self::Shared(bytes) => shared_str(Arc::clone(bytes)),
        }
    }
}

/// `bytes` as `Arc<str>` over the same allocation; `None` when they are not UTF-8. The
/// check is here, beside the cast it makes sound, so no caller can skip it.
#[expect(
    unsafe_code,
    reason = "std offers no safe cast of Arc<[u8]> to Arc<str>; the only other way is a copy of the whole file"
)]
fn shared_str(bytes: Arc<[u8]>) -> Option<Arc<str>> {
    if !is_utf8(&bytes) {
        return None;
    }
    // SAFETY: `str` has the layout of `[u8]`, and the bytes were just checked to be UTF-8
    // (as `std::str::from_utf8_unchecked` requires). This is the cast std makes in
    // `impl From<&str> for Arc<str>`; into_raw and from_raw keep the count and the
    // allocation as they are.
    Some(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}

/// Texts from this size on are checked in two halves at once.
const SPLIT_CHECK_BYTES: usize = 8 << 20;

/// Whether `bytes` are UTF-8. A long text is checked in two halves on two threads (a 76 MB
/// data migration took 8 ms in one), split where a character starts: two valid halves
/// joined there are valid, and a valid whole has a character start there.
fn is_utf8(bytes: &[u8]) -> bool {
    is_utf8_in_halves(bytes, SPLIT_CHECK_BYTES)
}

/// [`is_utf8`], splitting texts from `split_from` bytes on.
fn is_utf8_in_halves(bytes: &[u8], split_from: usize) -> bool {
    let valid = |part: &[u8]| std::str::from_utf8(part).is_ok();
    if bytes.len() < split_from.max(2) {
        return valid(bytes);
    }
    let middle = bytes.len() / 2;
    // At most three continuation bytes follow a character's first byte: a character
    // starts (or the text ends) within four bytes of anywhere in a valid text.
    let start = (middle..=bytes.len().min(middle + 3))
        .find(|&at| at == bytes.len() || !is_continuation(bytes[at]));
    let Some(start) = start else {
        return false;
    };
    let (first, second) = bytes.split_at(start);
    let (first, second) = at_once(|| valid(first), || valid(second));
    first && second
}

/// Whether `byte` continues a character begun before it (`10xxxxxx`).
fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

impl Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Static(bytes) => bytes,
            Self::Shared(bytes) => bytes,
        }
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Shared(bytes.into())
    }
}

impl From<&'static [u8]> for FileBytes {
    fn from(bytes: &'static [u8]) -> Self {
        Self::Static(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Checked in halves, any text (cut anywhere, a byte changed anywhere) is UTF-8
        /// exactly when it is whole.
        #[test]
        fn halves_say_what_the_whole_says(
            text in "(a|é|€|𐍈|\\n){0,40}",
            cut in 0usize..200,
            changed in proptest::option::of((0usize..200, proptest::prelude::any::<u8>())),
        ) {
            let mut bytes = text.into_bytes();
            bytes.truncate(cut.min(bytes.len()).max(bytes.len() / 2));
            if let Some((at, byte)) = changed.filter(|_| !bytes.is_empty()) {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            proptest::prop_assert_eq!(
                is_utf8_in_halves(&bytes, 0),
                std::str::from_utf8(&bytes).is_ok()
            );
        }
    }

    #[test]
    fn read_bytes_become_text_over_the_same_allocation() {
        let bytes = FileBytes::from(b"SELECT 1;\n".to_vec());
        let text = bytes.to_text().unwrap();
        assert_eq!(&*text, "SELECT 1;\n");
        assert_eq!(text.as_ptr(), bytes.as_ptr(), "shared, not copied");
        assert_eq!(FileBytes::from(vec![0xff]).to_text(), None);
        assert_eq!(FileBytes::from(&b"x"[..]).to_text().as_deref(), Some("x"));
    }
}
