//! One file of a migrations directory as read, from disk or embedded in the binary.

use std::ops::Deref;
use std::sync::Arc;

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
    std::str::from_utf8(&bytes).ok()?;
    // SAFETY: `str` has the layout of `[u8]`, and the bytes were just checked to be UTF-8
    // (as `std::str::from_utf8_unchecked` requires). This is the cast std makes in
    // `impl From<&str> for Arc<str>`; into_raw and from_raw keep the count and the
    // allocation as they are.
    Some(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
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
