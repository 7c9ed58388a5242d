//! Fingerprints of `sqlite_schema` rows, by which snapshots are remembered.
//!
//! Fingerprints are 128-bit SipHash-1-3: these keys never leave the process, and hashing
//! with SHA-256 was a quarter of verify's time when every snapshot hashed all the text.

use std::hash::Hasher as _;

use siphasher::sip128::{Hasher128 as _, SipHasher13};

/// A fingerprint of some texts.
pub(crate) type Fingerprint = u128;

/// The fingerprint of a sequence of texts, each length-prefixed so boundaries count.
pub(crate) fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Fingerprint {
    let mut hasher = SipHasher13::new();
    for part in parts {
        hasher.write_usize(part.len());
        hasher.write(part);
    }
    hasher.finish128().as_u128()
}
