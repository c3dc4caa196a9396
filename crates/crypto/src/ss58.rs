//! SS58 addresses: base58 of `prefix ‖ public key ‖ checksum`, where the checksum is the
//! first two bytes of blake2b-512("SS58PRE" ‖ prefix ‖ public key).
//!
//! Decoding follows sp-core's `from_ss58check`, check for check, so an address is judged as
//! bittensor-wallet judges it; [`decode_bittensor`] further insists on network 42.

use crate::hash::blake2b_512;
use core::fmt;
use ss58_registry::{Ss58AddressFormat, Ss58AddressFormatRegistry};

/// Bittensor's address format (the "generic Substrate" prefix).
pub const BITTENSOR_PREFIX: u16 = 42;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ss58Error {
    /// Not base58.
    BadBase58,
    /// The decoded bytes are not prefix + 32-byte key + 2-byte checksum.
    BadLength,
    /// The first byte is not a valid prefix byte (it must be below 128).
    InvalidPrefixByte,
    /// Prefixes 46 and 47 are reserved.
    FormatNotAllowed,
    BadChecksum,
    /// A prefix that the SS58 registry does not know.
    UnknownFormat(u16),
    /// A valid address of another network.
    WrongPrefix(u16),
    /// A prefix that does not fit the 14 bits SS58 has for it.
    PrefixTooLarge(u16),
}

impl Ss58Error {
    /// A short stable name for the kind of error.
    pub fn kind(self) -> &'static str {
        match self {
            Ss58Error::BadBase58 => "bad_base58",
            Ss58Error::BadLength => "bad_length",
            Ss58Error::InvalidPrefixByte => "invalid_prefix_byte",
            Ss58Error::FormatNotAllowed => "format_not_allowed",
            Ss58Error::BadChecksum => "bad_checksum",
            Ss58Error::UnknownFormat(_) => "unknown_format",
            Ss58Error::WrongPrefix(_) => "wrong_prefix",
            Ss58Error::PrefixTooLarge(_) => "prefix_too_large",
        }
    }
}

impl fmt::Display for Ss58Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ss58Error::BadBase58 => write!(f, "not base58"),
            Ss58Error::BadLength => write!(f, "wrong length for an SS58 address of a 32-byte key"),
            Ss58Error::InvalidPrefixByte => write!(f, "invalid SS58 prefix byte"),
            Ss58Error::FormatNotAllowed => write!(f, "SS58 prefixes 46 and 47 are reserved"),
            Ss58Error::BadChecksum => write!(f, "bad checksum"),
            Ss58Error::UnknownFormat(prefix) => {
                write!(f, "SS58 prefix {prefix} is not in the SS58 registry")
            }
            Ss58Error::WrongPrefix(prefix) => write!(
                f,
                "an address of network {prefix}, not Bittensor's {BITTENSOR_PREFIX}"
            ),
            Ss58Error::PrefixTooLarge(prefix) => {
                write!(f, "SS58 prefix {prefix} is above 16383")
            }
        }
    }
}

impl std::error::Error for Ss58Error {}

fn checksum(body: &[u8]) -> [u8; 2] {
    let mut preimage = Vec::with_capacity(7 + body.len());
    preimage.extend_from_slice(b"SS58PRE");
    preimage.extend_from_slice(body);
    let hash = blake2b_512(&preimage);
    [hash[0], hash[1]]
}

/// The address of `public_key` on the network with `prefix` (0..=16383).
pub fn encode(public_key: &[u8; 32], prefix: u16) -> Result<String, Ss58Error> {
    if Ss58AddressFormat::custom(prefix).is_reserved() {
        return Err(Ss58Error::FormatNotAllowed);
    }
    let mut body = Vec::with_capacity(36);
    match prefix {
        0..=63 => body.push(prefix as u8),
        64..=16383 => {
            body.push((((prefix & 0b1111_1100) >> 2) as u8) | 0b0100_0000);
            body.push(((prefix >> 8) as u8) | (((prefix & 0b11) as u8) << 6));
        }
        _ => return Err(Ss58Error::PrefixTooLarge(prefix)),
    }
    body.extend_from_slice(public_key);
    let sum = checksum(&body);
    body.extend_from_slice(&sum);
    Ok(bs58::encode(body).into_string())
}

/// A Bittensor address.
pub fn encode_bittensor(public_key: &[u8; 32]) -> String {
    encode(public_key, BITTENSOR_PREFIX).expect("42 is a valid prefix")
}

/// The prefix and public key of an address of any registered network.
pub fn decode(address: &str) -> Result<(u16, [u8; 32]), Ss58Error> {
    let data = bs58::decode(address)
        .into_vec()
        .map_err(|_| Ss58Error::BadBase58)?;
    if data.len() < 2 {
        return Err(Ss58Error::BadLength);
    }
    let (prefix, prefix_len) = match data[0] {
        0..=63 => (u16::from(data[0]), 1),
        64..=127 => {
            let lower = (data[0] << 2) | (data[1] >> 6);
            let upper = data[1] & 0b0011_1111;
            (u16::from(lower) | (u16::from(upper) << 8), 2)
        }
        _ => return Err(Ss58Error::InvalidPrefixByte),
    };
    if data.len() != prefix_len + 32 + 2 {
        return Err(Ss58Error::BadLength);
    }
    let format = Ss58AddressFormat::custom(prefix);
    if format.is_reserved() {
        return Err(Ss58Error::FormatNotAllowed);
    }
    let (body, sum) = data.split_at(prefix_len + 32);
    if checksum(body) != sum {
        return Err(Ss58Error::BadChecksum);
    }
    if prefix != BITTENSOR_PREFIX && Ss58AddressFormatRegistry::try_from(format).is_err() {
        return Err(Ss58Error::UnknownFormat(prefix));
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&body[prefix_len..]);
    Ok((prefix, key))
}

/// The public key of a Bittensor (prefix 42) address.
pub fn decode_bittensor(address: &str) -> Result<[u8; 32], Ss58Error> {
    match decode(address)? {
        (BITTENSOR_PREFIX, key) => Ok(key),
        (prefix, _) => Err(Ss58Error::WrongPrefix(prefix)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(key: [u8; 32], prefix in 0u16..16384) {
            let Ok(address) = encode(&key, prefix) else {
                prop_assert!(prefix == 46 || prefix == 47, "prefix {prefix} refused");
                return Ok(());
            };
            match decode(&address) {
                Ok(decoded) => prop_assert_eq!(decoded, (prefix, key)),
                Err(Ss58Error::UnknownFormat(p)) => prop_assert_eq!(p, prefix),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
    }

    #[test]
    fn reserved_prefixes_are_not_encoded() {
        for prefix in [46, 47] {
            assert_eq!(encode(&[0; 32], prefix), Err(Ss58Error::FormatNotAllowed));
        }
    }
}
