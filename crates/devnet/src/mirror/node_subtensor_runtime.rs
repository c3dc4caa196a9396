//! The runtime's outer call and event enums: one variant per pallet, at its pallet index.

use crate::mirror::{
    frame_system, pallet_admin_utils, pallet_balances, pallet_subtensor, pallet_subtensor_utility,
    pallet_sudo, pallet_timestamp, pallet_transaction_payment,
};
use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeCall {
    #[codec(index = 0)]
    System(frame_system::pallet::Call),
    #[codec(index = 2)]
    Timestamp(pallet_timestamp::pallet::Call),
    #[codec(index = 5)]
    Balances(pallet_balances::pallet::Call),
    #[codec(index = 7)]
    SubtensorModule(pallet_subtensor::pallet::Call),
    #[codec(index = 11)]
    Utility(pallet_subtensor_utility::pallet::Call),
    #[codec(index = 12)]
    Sudo(pallet_sudo::pallet::Call),
    #[codec(index = 19)]
    AdminUtils(pallet_admin_utils::pallet::Call),
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    #[codec(index = 0)]
    System(frame_system::pallet::Event),
    #[codec(index = 5)]
    Balances(pallet_balances::pallet::Event),
    #[codec(index = 6)]
    TransactionPayment(pallet_transaction_payment::pallet::Event),
    #[codec(index = 7)]
    SubtensorModule(pallet_subtensor::pallet::Event),
    #[codec(index = 11)]
    Utility(pallet_subtensor_utility::pallet::Event),
    #[codec(index = 12)]
    Sudo(pallet_sudo::pallet::Event),
    #[codec(index = 19)]
    AdminUtils(pallet_admin_utils::pallet::Event),
}

/// The runtime's error enum of errors enum, for metadata V15's outer enums.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeError {
    #[codec(index = 0)]
    System(frame_system::pallet::Error),
    #[codec(index = 5)]
    Balances(pallet_balances::pallet::Error),
    #[codec(index = 7)]
    SubtensorModule(pallet_subtensor::pallet::Error),
    #[codec(index = 11)]
    Utility(pallet_subtensor_utility::pallet::Error),
    #[codec(index = 12)]
    Sudo(pallet_sudo::pallet::Error),
    #[codec(index = 19)]
    AdminUtils(pallet_admin_utils::pallet::Error),
}

/// The runtime itself, as metadata V14 names it.
#[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
pub struct Runtime;

pub mod check_mortality {
    use crate::mirror::sp_runtime::generic::era::Era;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
    pub struct CheckMortality(pub Era);
}

pub mod check_nonce {
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
    pub struct CheckNonce(pub Compact<u32>);
}

pub mod sudo_wrapper {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Default, Encode, Decode, TypeInfo)]
    pub struct SudoTransactionExtension;
}
