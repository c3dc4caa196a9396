use codec::{Decode, Encode};
use scale_info::TypeInfo;

pub mod multiaddress {
    use crate::mirror::sp_core::crypto::AccountId32;
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum MultiAddress<AccountId, AccountIndex> {
        Id(AccountId),
        Index(#[codec(compact)] AccountIndex),
        Raw(Vec<u8>),
        Address32([u8; 32]),
        Address20([u8; 20]),
    }

    /// The address form subtensor's extrinsics and calls use.
    pub type Address = MultiAddress<AccountId32, ()>;

    #[allow(dead_code)]
    type _C = Compact<()>;
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum MultiSignature {
    Ed25519([u8; 64]),
    Sr25519([u8; 64]),
    Ecdsa([u8; 65]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ModuleError {
    pub index: u8,
    pub error: [u8; 4],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum TokenError {
    FundsUnavailable,
    OnlyProvider,
    BelowMinimum,
    CannotCreate,
    UnknownAsset,
    Frozen,
    Unsupported,
    CannotCreateHold,
    NotExpendable,
    Blocked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum TransactionalError {
    LimitReached,
    NoLayer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum DispatchError {
    Other,
    CannotLookup,
    BadOrigin,
    Module(ModuleError),
    ConsumerRemaining,
    NoProviders,
    TooManyConsumers,
    Token(TokenError),
    Arithmetic(crate::mirror::sp_arithmetic::ArithmeticError),
    Transactional(TransactionalError),
    Exhausted,
    Corruption,
    Unavailable,
    RootNotAllowed,
    Trie(proving_trie::TrieError),
}

pub mod proving_trie {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum TrieError {
        InvalidStateRoot,
        IncompleteDatabase,
        ValueAtIncompleteKey,
        DecoderError,
        InvalidHash,
        DuplicateKey,
        ExtraneousNode,
        ExtraneousValue,
        ExtraneousHashReference,
        InvalidChildReference,
        ValueMismatch,
        IncompleteProof,
        RootMismatch,
        DecodeError,
    }
}

pub mod generic {
    pub mod era {
        use codec::{Decode, Encode, Error, Input, Output};
        use scale_info::TypeInfo;

        /// A transaction's validity period: immortal, or `period` blocks from the block at
        /// `phase` (mod period). The encoding packs both into two bytes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Era {
            Immortal,
            Mortal { period: u64, phase: u64 },
        }

        impl Era {
            /// The block this era counts from, given the current block.
            pub fn birth(self, current: u64) -> u64 {
                match self {
                    Era::Immortal => 0,
                    Era::Mortal { period, phase } => {
                        (current.max(phase) - phase) / period * period + phase
                    }
                }
            }

            /// The first block at which the transaction is no longer valid.
            pub fn death(self, current: u64) -> u64 {
                match self {
                    Era::Immortal => u64::MAX,
                    Era::Mortal { period, .. } => self.birth(current) + period,
                }
            }
        }

        impl Encode for Era {
            fn encode_to<T: Output + ?Sized>(&self, out: &mut T) {
                match *self {
                    Era::Immortal => out.push_byte(0),
                    Era::Mortal { period, phase } => {
                        let quantize = (period >> 12).max(1);
                        let encoded = (period.trailing_zeros() - 1).clamp(1, 15) as u16
                            | ((phase / quantize) << 4) as u16;
                        encoded.encode_to(out);
                    }
                }
            }
        }

        impl Decode for Era {
            fn decode<I: Input>(input: &mut I) -> Result<Self, Error> {
                let first = input.read_byte()?;
                if first == 0 {
                    return Ok(Era::Immortal);
                }
                let encoded = u64::from(first) + (u64::from(input.read_byte()?) << 8);
                let period = 2u64 << (encoded % (1 << 4));
                let quantize = (period >> 12).max(1);
                let phase = (encoded >> 4) * quantize;
                if period >= 4 && phase < period {
                    Ok(Era::Mortal { period, phase })
                } else {
                    Err("invalid mortal era".into())
                }
            }
        }

        /// The metadata form of `Era`: `Immortal` and 255 one-byte `MortalN` variants.
        impl TypeInfo for Era {
            type Identity = Self;

            fn type_info() -> scale_info::Type {
                let mut variants =
                    scale_info::build::Variants::new().variant("Immortal", |v| v.index(0));
                for index in 1..=255u8 {
                    let name: &'static str = Box::leak(format!("Mortal{index}").into_boxed_str());
                    variants = variants.variant(name, |v| {
                        v.index(index)
                            .fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<u8>()))
                    });
                }
                scale_info::Type::builder()
                    .path(scale_info::Path::new("Era", module_path!()))
                    .variant(variants)
            }
        }
    }

    pub mod digest {
        use codec::{Decode, Encode};
        use scale_info::TypeInfo;

        #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
        pub enum DigestItem {
            #[codec(index = 6)]
            PreRuntime([u8; 4], Vec<u8>),
            #[codec(index = 4)]
            Consensus([u8; 4], Vec<u8>),
            #[codec(index = 5)]
            Seal([u8; 4], Vec<u8>),
            #[codec(index = 0)]
            Other(Vec<u8>),
            #[codec(index = 8)]
            RuntimeEnvironmentUpdated,
        }

        #[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
        pub struct Digest {
            pub logs: Vec<DigestItem>,
        }
    }

    pub mod header {
        use super::digest::Digest;
        use crate::mirror::primitive_types::H256;
        use codec::{Decode, Encode};
        use scale_info::TypeInfo;

        #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
        pub struct Header {
            pub parent_hash: H256,
            #[codec(compact)]
            pub number: u32,
            pub state_root: H256,
            pub extrinsics_root: H256,
            pub digest: Digest,
        }
    }

    pub mod unchecked_extrinsic {
        use codec::{Decode, Encode};
        use core::marker::PhantomData;
        use scale_info::TypeInfo;

        /// The extrinsic as metadata describes it: its type parameters name the address,
        /// call, signature and extension types; the value itself is opaque bytes.
        #[derive(Encode, Decode, TypeInfo)]
        pub struct UncheckedExtrinsic<Address, Call, Signature, Extra>(
            pub Vec<u8>,
            PhantomData<(Address, Call, Signature, Extra)>,
        )
        where
            Address: TypeInfo + 'static,
            Call: TypeInfo + 'static,
            Signature: TypeInfo + 'static,
            Extra: TypeInfo + 'static;
    }
}
