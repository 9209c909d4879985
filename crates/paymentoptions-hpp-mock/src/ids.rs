//! The random ids the sandbox hands out for links: the link's id and its page token.

use uuid::Uuid;

/// A random (version 4) link id. From `fastrand`, like the page token (which is what grants
/// access to the page): `Uuid::new_v4` makes a `getrandom` system call per link.
pub(crate) fn link_id() -> Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

/// A random 8-character page token, like the real hosted page's.
pub(crate) fn token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..8)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn link_ids_are_random_v4_uuids() {
        let ids: std::collections::HashSet<Uuid> = (0..1000).map(|_| link_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert_eq!(id.get_version(), Some(uuid::Version::Random));
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        }
    }
}
