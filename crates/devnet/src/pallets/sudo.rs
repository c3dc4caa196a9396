//! pallet_sudo: one key that may dispatch any call as root (Alice on the devnet).

use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::pallet_sudo::pallet::{Call, Error, Event};
use crate::pallets::balances::lookup;
use crate::runtime::context::{AccountId, Ctx, DispatchResult, Origin, PalletError};
use crate::runtime::dispatch::dispatch_call;
use crate::storage::Value;
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "Sudo";
pub const INDEX: u8 = 12;

pub const KEY: Value<AccountId> = Value::new(PALLET, "Key", None);

pub fn storage() -> Vec<StorageEntryMetadata> {
    vec![KEY.metadata()]
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = INDEX;
}

fn ensure_sudo(
    ctx: &Ctx<'_>,
    origin: Origin,
) -> Result<AccountId, crate::mirror::sp_runtime::DispatchError> {
    let who = origin.signed()?;
    if KEY.try_get(ctx.state) == Some(who) {
        Ok(who)
    } else {
        Err(Error::RequireSudo.into_dispatch())
    }
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::sudo { call } | Call::sudo_unchecked_weight { call, .. } => {
            ensure_sudo(ctx, origin)?;
            let sudo_result = ctx.transactional(|ctx| dispatch_call(ctx, Origin::Root, *call));
            ctx.deposit(RuntimeEvent::Sudo(Event::Sudid { sudo_result }));
            Ok(())
        }
        Call::set_key { new } => {
            let old = ensure_sudo(ctx, origin)?;
            let new = lookup(&new)?;
            KEY.put(ctx.state, &new);
            ctx.deposit(RuntimeEvent::Sudo(Event::KeyChanged {
                old: Some(old),
                new,
            }));
            Ok(())
        }
        Call::sudo_as { who, call } => {
            ensure_sudo(ctx, origin)?;
            let who = lookup(&who)?;
            let sudo_result =
                ctx.transactional(|ctx| dispatch_call(ctx, Origin::Signed(who), *call));
            ctx.deposit(RuntimeEvent::Sudo(Event::SudoAsDone { sudo_result }));
            Ok(())
        }
    }
}
