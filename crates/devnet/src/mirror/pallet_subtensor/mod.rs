pub mod extensions;
pub mod pallet;
pub mod rpc_info;
