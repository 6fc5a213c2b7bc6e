//! Person ids that stay the same from run to run.
//!
//! In: the decisions of a run, its aid and register records, and a secret [`PersonKey`].
//! Out: one `person_id` per aid row (`P` and 16 hex digits), the same for a person in
//! every run whatever the row order, the thread count or the other rows of the list.
//!
//! * A row linked to the register takes its register person's id: a keyed hash
//!   (HMAC-SHA-256) of the person's NIK, so the id never reveals the NIK and cannot be
//!   computed back without the key. A register person without a valid NIK is named by
//!   name, birth date and kelurahan.
//! * A row the register does not hold takes a keyed hash of what the list says of it: the
//!   NIK as written (normalized), the name and the birth date.
//! * The rows of one duplicate group share one id: the smallest of their register
//!   persons' ids, or of their own when none is linked.
//!
//! An id changes when the register person changes (another NIK in force, a row linked to
//! another person), when an unlinked row's NIK, name or birth date is corrected, or when
//! the key changes.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::core::fsio::hex;
use crate::matching::cluster::Groups;
use crate::matching::record::{Rec, Records};
use crate::matching::verify::Decision;

/// The secret of the person ids: 32 bytes.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PersonKey([u8; 32]);

impl std::fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonKey({})", self.fingerprint())
    }
}

impl PersonKey {
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        PersonKey(bytes)
    }

    /// A key from a passphrase (its SHA-256).
    pub(crate) fn from_secret(secret: &[u8]) -> Self {
        PersonKey(Sha256::digest(secret).into())
    }

    #[cfg(test)]
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// What tells two keys apart without revealing them: 8 hex digits of the SHA-256 of
    /// the key's hash (written in `summary.json`, compared by `--previous`).
    pub(crate) fn fingerprint(&self) -> String {
        let d = Sha256::digest(Sha256::digest(self.0));
        hex(&d[..4])
    }

    /// The id of one content key.
    fn id(&self, content: &[u8]) -> String {
        // A 32-byte key is always accepted by HMAC.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(content);
        format!("P{}", hex(&mac.finalize().into_bytes()[..8]))
    }
}

/// What names a register person across runs: the NIK, or name, birth date and kelurahan.
fn register_content(p: Rec<'_>) -> String {
    match p.nik().valid() {
        Some(nik) => format!("R|{nik}"),
        None => format!("R||{}", spoken(p)),
    }
}

/// What names an unlinked aid row across runs: its NIK as written, name and birth date.
fn row_content(p: Rec<'_>) -> String {
    format!("U|{}|{}", p.nik().text(), spoken(p))
}

fn spoken(p: Rec<'_>) -> String {
    let birth = p.birth.map(|b| b.date.to_string()).unwrap_or_default();
    format!("{}|{birth}|{}", p.name().join(" "), p.kelurahan())
}

/// The person id of every decision, in the decisions' order.
pub(crate) fn person_ids(
    decisions: &[Decision],
    aid: &Records,
    register: &Records,
    groups: &Groups,
    key: &PersonKey,
) -> Vec<String> {
    let own: Vec<(bool, String)> = decisions
        .iter()
        .map(|d| match d.register {
            Some(r) => (true, key.id(register_content(register.get(r)).as_bytes())),
            None => (false, key.id(row_content(aid.get(d.row)).as_bytes())),
        })
        .collect();
    let at: rustc_hash::FxHashMap<usize, usize> = decisions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.row, i))
        .collect();
    let mut ids: Vec<String> = own.iter().map(|(_, id)| id.clone()).collect();
    for members in &groups.members {
        let of: Vec<&(bool, String)> = members
            .iter()
            .filter_map(|row| at.get(row).map(|&i| &own[i]))
            .collect();
        let linked = of.iter().any(|(l, _)| *l);
        let Some(id) = of
            .iter()
            .filter(|(l, _)| *l || !linked)
            .map(|(_, id)| id)
            .min()
        else {
            continue;
        };
        for row in members {
            if let Some(&i) = at.get(row) {
                ids[i] = id.clone();
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_keyed_and_short() {
        let a = PersonKey::from_secret(b"one key");
        let b = PersonKey::from_secret(b"another key");
        let id = a.id(b"R|6471054507890003");
        assert_eq!(id.len(), 17);
        assert!(id.starts_with('P') && id[1..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            id,
            a.id(b"R|6471054507890003"),
            "the same person, the same id"
        );
        assert_ne!(id, b.id(b"R|6471054507890003"), "another key, another id");
        assert_ne!(id, a.id(b"R|6471054507890004"));
        assert!(!id.contains("6471"), "{id}");
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert!(!format!("{a:?}").contains(&hex(a.bytes())));
    }
}
