//! Commit-reveal v2: the hash a validator commits before revealing its weights.

use crate::hash::blake2b_256;
use crate::uri::compact_length;

/// The weights a commit covers.
#[derive(Clone, Copy, Debug)]
pub struct WeightCommit<'a> {
    /// The hotkey's public key.
    pub account: &'a [u8; 32],
    /// `mecid * 4096 + netuid`.
    pub netuid_index: u16,
    pub uids: &'a [u16],
    pub values: &'a [u16],
    pub salt: &'a [u16],
    pub version_key: u64,
}

impl WeightCommit<'_> {
    /// SCALE of `(account, netuid_index, uids, values, salt, version_key)`, the tuple
    /// subtensor's `get_commit_hash` hashes.
    pub fn preimage(&self) -> Vec<u8> {
        let vectors = self.uids.len() + self.values.len() + self.salt.len();
        let mut out = Vec::with_capacity(32 + 2 + 15 + vectors * 2 + 8);
        out.extend_from_slice(self.account);
        out.extend_from_slice(&self.netuid_index.to_le_bytes());
        for vector in [self.uids, self.values, self.salt] {
            out.extend(compact_length(vector.len()));
            for item in vector {
                out.extend_from_slice(&item.to_le_bytes());
            }
        }
        out.extend_from_slice(&self.version_key.to_le_bytes());
        out
    }

    /// blake2b-256 of the preimage.
    pub fn hash(&self) -> [u8; 32] {
        blake2b_256(&self.preimage())
    }
}
