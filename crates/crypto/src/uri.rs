//! Secret URIs as sp-core reads them: `phrase//hard/soft///password`, where the phrase may
//! be a BIP39 mnemonic, a `0x` hex seed, or absent (the development phrase).

use crate::error::KeyError;
use crate::hash::blake2b_256;

/// The phrase a URI without one starts from, as in Substrate.
pub const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// One step of a derivation path with its 32-byte chain code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Junction {
    Hard([u8; 32]),
    Soft([u8; 32]),
}

impl Junction {
    pub fn hard(text: &str) -> Self {
        Junction::Hard(chain_code(text))
    }

    pub fn soft(text: &str) -> Self {
        Junction::Soft(chain_code(text))
    }
}

/// A junction's chain code: a text that is a u64 is its 8 little-endian bytes; any other is
/// its SCALE encoding (compact length, then the bytes), blake2b-256 hashed when longer than
/// 32 bytes. Both are zero-padded to 32 bytes.
pub fn chain_code(text: &str) -> [u8; 32] {
    let encoded = match text.parse::<u64>() {
        Ok(number) => number.to_le_bytes().to_vec(),
        Err(_) => {
            let mut bytes = compact_length(text.len());
            bytes.extend_from_slice(text.as_bytes());
            bytes
        }
    };
    if encoded.len() > 32 {
        return blake2b_256(&encoded);
    }
    let mut code = [0u8; 32];
    code[..encoded.len()].copy_from_slice(&encoded);
    code
}

/// SCALE's compact encoding of a length.
pub fn compact_length(len: usize) -> Vec<u8> {
    let n = len as u64;
    match n {
        0..=0x3f => vec![(n as u8) << 2],
        0x40..=0x3fff => ((n as u16) << 2 | 0b01).to_le_bytes().to_vec(),
        0x4000..=0x3fff_ffff => ((n as u32) << 2 | 0b10).to_le_bytes().to_vec(),
        _ => {
            let bytes = n.to_le_bytes();
            let used = 8 - (n.leading_zeros() / 8) as usize;
            let mut out = vec![(((used - 4) as u8) << 2) | 0b11];
            out.extend_from_slice(&bytes[..used]);
            out
        }
    }
}

/// A parsed secret URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretUri<'a> {
    /// The mnemonic or `0x` seed; the development phrase when the URI has none.
    pub phrase: &'a str,
    pub junctions: Vec<Junction>,
    pub password: Option<&'a str>,
}

impl<'a> SecretUri<'a> {
    pub fn parse(uri: &'a str) -> Result<Self, KeyError> {
        let (rest, password) = match uri.find("///") {
            Some(at) => (&uri[..at], Some(&uri[at + 3..])),
            None => (uri, None),
        };
        let path_start = rest.find('/').unwrap_or(rest.len());
        let (phrase, mut path) = rest.split_at(path_start);
        if !phrase
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ')
        {
            return Err(KeyError::InvalidUri("invalid character in phrase"));
        }
        let mut junctions = Vec::new();
        while !path.is_empty() {
            let (hard, body) = match path.strip_prefix("//") {
                Some(body) => (true, body),
                None => (false, &path[1..]),
            };
            let end = body.find('/').unwrap_or(body.len());
            let text = &body[..end];
            if text.is_empty() {
                return Err(KeyError::InvalidUri(if hard {
                    "invalid character in hard path"
                } else {
                    "invalid character in soft path"
                }));
            }
            junctions.push(if hard {
                Junction::hard(text)
            } else {
                Junction::soft(text)
            });
            path = &body[end..];
        }
        Ok(Self {
            phrase: if phrase.is_empty() {
                DEV_PHRASE
            } else {
                phrase
            },
            junctions,
            password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_lengths() {
        assert_eq!(compact_length(5), vec![20]);
        assert_eq!(compact_length(64), vec![0x01, 0x01]);
        assert_eq!(compact_length(16384), vec![0x02, 0x00, 0x01, 0x00]);
    }

    #[test]
    fn parses_paths_and_passwords() {
        let uri = SecretUri::parse("//Alice/0///pw//x").unwrap();
        assert_eq!(uri.phrase, DEV_PHRASE);
        assert_eq!(
            uri.junctions,
            vec![Junction::hard("Alice"), Junction::soft("0")]
        );
        assert_eq!(uri.password, Some("pw//x"));
        assert!(SecretUri::parse("//").is_err());
        assert!(SecretUri::parse("old leopard/").is_err());
        assert!(SecretUri::parse("old.leopard").is_err());
    }
}
