//! The state transition: calls, extrinsics, blocks, and the runtime APIs.

pub mod apis;
pub mod block;
pub mod context;
pub mod dispatch;
pub mod extrinsic;
pub mod subtensor_apis;
pub mod version;
