//! Runtime metadata V14 and V15 built from the mirrored types, so that `@polkadot/api`,
//! subxt and py-substrate-interface decode the devnet exactly as they decode subtensor.

use crate::mirror::node_subtensor_runtime::{Runtime, RuntimeCall, RuntimeError, RuntimeEvent};
use crate::mirror::PATH_PREFIX;
use codec::Encode;
use frame_metadata::v14::{self, StorageEntryMetadata};
use frame_metadata::{v15, RuntimeMetadataPrefixed, META_RESERVED};
use scale_info::{meta_type, MetaType, PortableRegistry, TypeInfo};
use std::sync::OnceLock;

/// A pallet constant: its type and SCALE value.
pub struct Constant {
    name: &'static str,
    ty: MetaType,
    value: Vec<u8>,
}

impl Constant {
    pub fn new<T: Encode + TypeInfo + 'static>(name: &'static str, value: &T) -> Self {
        Self {
            name,
            ty: meta_type::<T>(),
            value: value.encode(),
        }
    }
}

/// Everything metadata says about one pallet, in a form both versions are built from.
pub struct Pallet {
    pub name: &'static str,
    pub index: u8,
    pub storage: Vec<StorageEntryMetadata>,
    pub calls: Option<MetaType>,
    pub event: Option<MetaType>,
    pub error: Option<MetaType>,
    pub constants: Vec<Constant>,
}

impl Pallet {
    pub fn new(name: &'static str, index: u8) -> Self {
        Self {
            name,
            index,
            storage: Vec::new(),
            calls: None,
            event: None,
            error: None,
            constants: Vec::new(),
        }
    }

    pub fn storage(mut self, entries: Vec<StorageEntryMetadata>) -> Self {
        self.storage = entries;
        self
    }

    pub fn calls<T: TypeInfo + 'static>(mut self) -> Self {
        self.calls = Some(meta_type::<T>());
        self
    }

    pub fn event<T: TypeInfo + 'static>(mut self) -> Self {
        self.event = Some(meta_type::<T>());
        self
    }

    pub fn error<T: TypeInfo + 'static>(mut self) -> Self {
        self.error = Some(meta_type::<T>());
        self
    }

    pub fn constants(mut self, constants: Vec<Constant>) -> Self {
        self.constants = constants;
        self
    }

    fn storage_metadata(&self) -> Option<v14::PalletStorageMetadata> {
        (!self.storage.is_empty()).then(|| v14::PalletStorageMetadata {
            prefix: self.name,
            entries: self.storage.clone(),
        })
    }

    fn constants_metadata(&self) -> Vec<v14::PalletConstantMetadata> {
        self.constants
            .iter()
            .map(|c| v14::PalletConstantMetadata {
                name: c.name,
                ty: c.ty,
                value: c.value.clone(),
                docs: Vec::new(),
            })
            .collect()
    }

    fn v14(&self) -> v14::PalletMetadata {
        v14::PalletMetadata {
            name: self.name,
            storage: self.storage_metadata(),
            calls: self.calls.map(|ty| v14::PalletCallMetadata { ty }),
            event: self.event.map(|ty| v14::PalletEventMetadata { ty }),
            constants: self.constants_metadata(),
            error: self.error.map(|ty| v14::PalletErrorMetadata { ty }),
            index: self.index,
        }
    }

    fn v15(&self) -> v15::PalletMetadata {
        v15::PalletMetadata {
            name: self.name,
            storage: self.storage_metadata(),
            calls: self.calls.map(|ty| v14::PalletCallMetadata { ty }),
            event: self.event.map(|ty| v14::PalletEventMetadata { ty }),
            constants: self.constants_metadata(),
            error: self.error.map(|ty| v14::PalletErrorMetadata { ty }),
            index: self.index,
            docs: Vec::new(),
        }
    }
}

/// One runtime API method as V15 describes it.
pub struct ApiMethod {
    pub name: &'static str,
    pub inputs: Vec<(&'static str, MetaType)>,
    pub output: MetaType,
}

/// The transaction extensions, in subtensor's order: (identifier, explicit, implicit).
fn extensions() -> Vec<(&'static str, MetaType, MetaType)> {
    use crate::mirror::frame_metadata_hash_extension::CheckMetadataHash;
    use crate::mirror::frame_system::extensions::*;
    use crate::mirror::node_subtensor_runtime::{
        check_mortality::CheckMortality, check_nonce::CheckNonce,
        sudo_wrapper::SudoTransactionExtension,
    };
    use crate::mirror::pallet_drand::drand_priority::DrandPriority;
    use crate::mirror::pallet_shield::extension::CheckShieldedTxValidity;
    use crate::mirror::pallet_subtensor::extensions::subtensor::SubtensorTransactionExtension;
    use crate::mirror::pallet_transaction_payment::ChargeTransactionPayment;
    use crate::mirror::primitive_types::H256;
    let unit = meta_type::<()>;
    vec![
        (
            "CheckNonZeroSender",
            meta_type::<check_non_zero_sender::CheckNonZeroSender>(),
            unit(),
        ),
        (
            "CheckSpecVersion",
            meta_type::<check_spec_version::CheckSpecVersion>(),
            meta_type::<u32>(),
        ),
        (
            "CheckTxVersion",
            meta_type::<check_tx_version::CheckTxVersion>(),
            meta_type::<u32>(),
        ),
        (
            "CheckGenesis",
            meta_type::<check_genesis::CheckGenesis>(),
            meta_type::<H256>(),
        ),
        (
            "CheckMortality",
            meta_type::<CheckMortality>(),
            meta_type::<H256>(),
        ),
        ("CheckNonce", meta_type::<CheckNonce>(), unit()),
        (
            "CheckWeight",
            meta_type::<check_weight::CheckWeight>(),
            unit(),
        ),
        (
            "ChargeTransactionPayment",
            meta_type::<ChargeTransactionPayment>(),
            unit(),
        ),
        (
            "SudoTransactionExtension",
            meta_type::<SudoTransactionExtension>(),
            unit(),
        ),
        (
            "CheckShieldedTxValidity",
            meta_type::<CheckShieldedTxValidity>(),
            unit(),
        ),
        (
            "SubtensorTransactionExtension",
            meta_type::<SubtensorTransactionExtension>(),
            unit(),
        ),
        ("DrandPriority", meta_type::<DrandPriority>(), unit()),
        (
            "CheckMetadataHash",
            meta_type::<CheckMetadataHash>(),
            meta_type::<Option<[u8; 32]>>(),
        ),
    ]
}

/// The extension tuple as the runtime nests it: (system ones, subtensor ones, metadata hash).
type Extra = (
    (
        crate::mirror::frame_system::extensions::check_non_zero_sender::CheckNonZeroSender,
        crate::mirror::frame_system::extensions::check_spec_version::CheckSpecVersion,
        crate::mirror::frame_system::extensions::check_tx_version::CheckTxVersion,
        crate::mirror::frame_system::extensions::check_genesis::CheckGenesis,
        crate::mirror::node_subtensor_runtime::check_mortality::CheckMortality,
        crate::mirror::node_subtensor_runtime::check_nonce::CheckNonce,
        crate::mirror::frame_system::extensions::check_weight::CheckWeight,
    ),
    (
        crate::mirror::pallet_transaction_payment::ChargeTransactionPayment,
        crate::mirror::node_subtensor_runtime::sudo_wrapper::SudoTransactionExtension,
        crate::mirror::pallet_shield::extension::CheckShieldedTxValidity,
        crate::mirror::pallet_subtensor::extensions::subtensor::SubtensorTransactionExtension,
        crate::mirror::pallet_drand::drand_priority::DrandPriority,
    ),
    crate::mirror::frame_metadata_hash_extension::CheckMetadataHash,
);

type Address = crate::mirror::sp_runtime::multiaddress::Address;
type Signature = crate::mirror::sp_runtime::MultiSignature;
type UncheckedExtrinsic = crate::mirror::fp_self_contained::unchecked_extrinsic::UncheckedExtrinsic<
    Address,
    RuntimeCall,
    Signature,
    Extra,
>;

/// Drops the `taokit_devnet::mirror` prefix from every type path.
fn rewrite_paths(types: &mut PortableRegistry) {
    for ty in &mut types.types {
        let segments = &mut ty.ty.path.segments;
        if segments.len() > PATH_PREFIX.len()
            && segments.iter().zip(PATH_PREFIX).all(|(a, b)| a == b)
        {
            segments.drain(..PATH_PREFIX.len());
        }
    }
}

fn prefixed(metadata: frame_metadata::RuntimeMetadata) -> Vec<u8> {
    RuntimeMetadataPrefixed(META_RESERVED, metadata).encode()
}

fn build_v14(pallets: &[Pallet]) -> Vec<u8> {
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsic>(),
        version: 4,
        signed_extensions: extensions()
            .into_iter()
            .map(
                |(identifier, ty, additional_signed)| v14::SignedExtensionMetadata {
                    identifier,
                    ty,
                    additional_signed,
                },
            )
            .collect(),
    };
    let mut metadata = v14::RuntimeMetadataV14::new(
        pallets.iter().map(Pallet::v14).collect(),
        extrinsic,
        meta_type::<Runtime>(),
    );
    rewrite_paths(&mut metadata.types);
    prefixed(frame_metadata::RuntimeMetadata::V14(metadata))
}

fn build_v15(pallets: &[Pallet], apis: Vec<(&'static str, Vec<ApiMethod>)>) -> Vec<u8> {
    let extrinsic = v15::ExtrinsicMetadata {
        version: 4,
        address_ty: meta_type::<Address>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<Signature>(),
        extra_ty: meta_type::<Extra>(),
        signed_extensions: extensions()
            .into_iter()
            .map(
                |(identifier, ty, additional_signed)| v15::SignedExtensionMetadata {
                    identifier,
                    ty,
                    additional_signed,
                },
            )
            .collect(),
    };
    let apis = apis
        .into_iter()
        .map(|(name, methods)| v15::RuntimeApiMetadata {
            name,
            methods: methods
                .into_iter()
                .map(|method| v15::RuntimeApiMethodMetadata {
                    name: method.name,
                    inputs: method
                        .inputs
                        .into_iter()
                        .map(|(name, ty)| v15::RuntimeApiMethodParamMetadata { name, ty })
                        .collect(),
                    output: method.output,
                    docs: Vec::new(),
                })
                .collect(),
            docs: Vec::new(),
        })
        .collect();
    let mut metadata = v15::RuntimeMetadataV15::new(
        pallets.iter().map(Pallet::v15).collect(),
        extrinsic,
        meta_type::<Runtime>(),
        apis,
        v15::OuterEnums {
            call_enum_ty: meta_type::<RuntimeCall>(),
            event_enum_ty: meta_type::<RuntimeEvent>(),
            error_enum_ty: meta_type::<RuntimeError>(),
        },
        v15::CustomMetadata {
            map: Default::default(),
        },
    );
    rewrite_paths(&mut metadata.types);
    prefixed(frame_metadata::RuntimeMetadata::V15(metadata))
}

/// The metadata versions served, newest last.
pub const VERSIONS: [u32; 2] = [14, 15];

/// The encoded metadata of `version` ("meta" prefix included), built once.
pub fn metadata(version: u32) -> Option<&'static [u8]> {
    static V14: OnceLock<Vec<u8>> = OnceLock::new();
    static V15: OnceLock<Vec<u8>> = OnceLock::new();
    match version {
        14 => Some(V14.get_or_init(|| build_v14(&crate::pallets::all()))),
        15 => {
            Some(V15.get_or_init(|| {
                build_v15(&crate::pallets::all(), crate::runtime::apis::metadata())
            }))
        }
        _ => None,
    }
}
