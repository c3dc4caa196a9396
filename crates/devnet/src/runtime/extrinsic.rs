//! Signed v4 extrinsics: decoding, the signing payload, and the checks subtensor's
//! transaction extensions make (signature, genesis, mortality, nonce, fees).

use crate::mirror::frame_metadata_hash_extension::Mode;
use crate::mirror::node_subtensor_runtime::RuntimeCall;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::era::Era;
use crate::mirror::sp_runtime::multiaddress::Address;
use crate::mirror::sp_runtime::MultiSignature;
use crate::pallets::balances::lookup;
use crate::runtime::context::AccountId;
use codec::{Compact, Decode, Encode, Input};
use taokit_crypto::hash::blake2b_256;

const SIGNED_V4: u8 = 0b1000_0100;
const BARE_V4: u8 = 0b0000_0100;

/// Why a transaction cannot be included, with Substrate's wording (JSON-RPC error 1010).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    Call,
    Payment,
    Future,
    Stale,
    BadProof,
    AncientBirthBlock,
    ExhaustsResources,
    BadMandatory,
    MandatoryValidation,
    BadSigner,
    Custom(u8),
}

impl Invalid {
    pub fn message(self) -> String {
        match self {
            Invalid::Call => "Transaction call is not expected".into(),
            Invalid::Payment => "Inability to pay some fees (e.g. account balance too low)".into(),
            Invalid::Future => "Transaction will be valid in the future".into(),
            Invalid::Stale => "Transaction is outdated".into(),
            Invalid::BadProof => "Transaction has a bad signature".into(),
            Invalid::AncientBirthBlock => "Transaction has an ancient birth block".into(),
            Invalid::ExhaustsResources => "Transaction would exhaust the block limits".into(),
            Invalid::BadMandatory => {
                "A call was labelled as mandatory, but resulted in an Error.".into()
            }
            Invalid::MandatoryValidation => {
                "Transaction dispatch is mandatory; transactions must not be validated.".into()
            }
            Invalid::BadSigner => "Invalid signing address".into(),
            Invalid::Custom(code) => format!("Custom error: {code}"),
        }
    }
}

/// A transaction that could not be read at all (JSON-RPC error 1002 or 1010).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// The bytes are not an extrinsic: `what` says which part is wrong.
    Malformed(String),
    Invalid(Invalid),
}

/// What the signer commits to besides the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Extra {
    pub era: Era,
    pub nonce: Compact<u32>,
    pub tip: Compact<u64>,
    pub mode: Mode,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub signer: AccountId,
    pub signature: MultiSignature,
    pub extra: Extra,
}

/// A decoded extrinsic, with the bytes it came from.
#[derive(Clone, Debug)]
pub struct Extrinsic {
    pub signed: Option<Signed>,
    pub call: RuntimeCall,
    /// The SCALE encoding as it sits in a block: compact length, then the body.
    pub bytes: Vec<u8>,
}

impl Extrinsic {
    pub fn hash(&self) -> H256 {
        H256(blake2b_256(&self.bytes))
    }

    /// An unsigned extrinsic (an inherent such as `timestamp.set`).
    pub fn bare(call: RuntimeCall) -> Self {
        let mut body = vec![BARE_V4];
        call.encode_to(&mut body);
        Self {
            signed: None,
            call,
            bytes: body.encode(),
        }
    }

    /// Reads an extrinsic from its opaque encoding (compact length prefix included).
    pub fn decode(bytes: &[u8]) -> Result<Self, Rejected> {
        let malformed = |what: &str| Rejected::Malformed(what.to_owned());
        let body: Vec<u8> = Decode::decode(&mut &bytes[..])
            .map_err(|_| malformed("the length prefix does not match the bytes"))?;
        if body.encode().len() != bytes.len() {
            return Err(malformed("bytes follow the extrinsic"));
        }
        let mut input = &body[..];
        let version = input
            .read_byte()
            .map_err(|_| malformed("empty extrinsic"))?;
        let signed = match version {
            SIGNED_V4 => {
                let address =
                    Address::decode(&mut input).map_err(|_| malformed("bad signer address"))?;
                let signer = lookup(&address).map_err(|_| Rejected::Invalid(Invalid::BadSigner))?;
                let signature =
                    MultiSignature::decode(&mut input).map_err(|_| malformed("bad signature"))?;
                let extra = Extra::decode(&mut input)
                    .map_err(|_| malformed("bad transaction extension data"))?;
                Some(Signed {
                    signer,
                    signature,
                    extra,
                })
            }
            BARE_V4 => None,
            _ => return Err(malformed("unsupported extrinsic version (only v4 is)")),
        };
        let call = RuntimeCall::decode(&mut input).map_err(|_| Rejected::Invalid(Invalid::Call))?;
        if !input.is_empty() {
            return Err(malformed("bytes follow the call"));
        }
        Ok(Self {
            signed,
            call,
            bytes: bytes.to_vec(),
        })
    }
}

/// What the signing payload commits to beyond the extrinsic itself.
pub struct Implicit {
    pub spec_version: u32,
    pub transaction_version: u32,
    pub genesis: H256,
    pub birth_block: H256,
}

/// `call ++ explicit extension data ++ implicit data`, blake2-256 hashed when over 256 bytes.
pub fn signing_payload(call: &RuntimeCall, extra: &Extra, implicit: &Implicit) -> Vec<u8> {
    let mut payload = call.encode();
    extra.encode_to(&mut payload);
    implicit.spec_version.encode_to(&mut payload);
    implicit.transaction_version.encode_to(&mut payload);
    implicit.genesis.encode_to(&mut payload);
    implicit.birth_block.encode_to(&mut payload);
    None::<[u8; 32]>.encode_to(&mut payload);
    if payload.len() > 256 {
        blake2b_256(&payload).to_vec()
    } else {
        payload
    }
}

/// Whether `signature` signs `payload` for `signer`.
pub fn check_signature(signer: &AccountId, signature: &MultiSignature, payload: &[u8]) -> bool {
    match signature {
        MultiSignature::Sr25519(signature) => {
            taokit_crypto::verify(payload, signature, &signer.0).unwrap_or(false)
        }
        MultiSignature::Ed25519(signature) => {
            taokit_crypto::ed25519::verify_ed25519(payload, signature, &signer.0)
        }
        MultiSignature::Ecdsa(_) => false,
    }
}
