//! pallet_balances on subtensor: u64 balances kept in `System.Account`, an existential
//! deposit of 500 rao, and the transfer calls.

use crate::mirror::frame_system::pallet::Event as SystemEvent;
use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::pallet_balances::pallet::{Call, Error, Event};
use crate::mirror::sp_runtime::multiaddress::{Address, MultiAddress};
use crate::mirror::sp_runtime::DispatchError;
use crate::pallets::system::ACCOUNT;
use crate::runtime::context::{AccountId, Balance, Ctx, DispatchResult, Origin, PalletError};
use crate::storage::Value;
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "Balances";
pub const INDEX: u8 = 5;
pub const EXISTENTIAL_DEPOSIT: Balance = 500;

pub const TOTAL_ISSUANCE: Value<Balance> =
    Value::new(PALLET, "TotalIssuance", Some(Balance::default));

pub fn storage() -> Vec<StorageEntryMetadata> {
    vec![TOTAL_ISSUANCE.metadata()]
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = INDEX;
}

pub fn lookup(address: &Address) -> Result<AccountId, DispatchError> {
    match address {
        MultiAddress::Id(id) => Ok(*id),
        MultiAddress::Address32(bytes) => Ok(crate::mirror::sp_core::crypto::AccountId32(*bytes)),
        _ => Err(DispatchError::CannotLookup),
    }
}

pub fn free(ctx: &Ctx<'_>, who: &AccountId) -> Balance {
    ACCOUNT.get(ctx.state, who).data.free
}

/// Sets an account's free balance, creating or reaping the account as needed.
fn set_free(ctx: &mut Ctx<'_>, who: &AccountId, free: Balance) {
    let mut account = ACCOUNT.get(ctx.state, who);
    let existed = account.providers > 0;
    account.data.free = free;
    if free == 0 && account.data.reserved == 0 {
        if existed {
            ACCOUNT.remove(ctx.state, who);
            ctx.deposit(RuntimeEvent::System(SystemEvent::KilledAccount {
                account: *who,
            }));
        }
        return;
    }
    if !existed {
        account.providers = 1;
        ctx.deposit(RuntimeEvent::System(SystemEvent::NewAccount {
            account: *who,
        }));
        ctx.deposit(RuntimeEvent::Balances(Event::Endowed {
            account: *who,
            free_balance: free,
        }));
    }
    ACCOUNT.insert(ctx.state, who, &account);
}

/// Adds newly issued funds to an account (genesis, emission, unstaking).
pub fn mint(ctx: &mut Ctx<'_>, who: &AccountId, amount: Balance) {
    let free = free(ctx, who).saturating_add(amount);
    set_free(ctx, who, free);
    TOTAL_ISSUANCE.mutate(ctx.state, |total| *total = total.saturating_add(amount));
}

/// Takes funds out of circulation (fees, staking, burns). With `keep_alive` the account must
/// keep at least the existential deposit; otherwise a remainder below it is lost as dust.
pub fn burn(
    ctx: &mut Ctx<'_>,
    who: &AccountId,
    amount: Balance,
    keep_alive: bool,
) -> DispatchResult {
    let free = free(ctx, who);
    let left = withdrawable(free, amount, keep_alive)?;
    let kept = reap_dust(left);
    set_free(ctx, who, kept);
    TOTAL_ISSUANCE.mutate(ctx.state, |total| {
        *total = total.saturating_sub(free - kept)
    });
    Ok(())
}

/// What is left after taking `amount` from `free`, if that is allowed.
fn withdrawable(
    free: Balance,
    amount: Balance,
    keep_alive: bool,
) -> Result<Balance, DispatchError> {
    let left = free
        .checked_sub(amount)
        .ok_or(Error::InsufficientBalance.into_dispatch())?;
    if keep_alive && left < EXISTENTIAL_DEPOSIT {
        return Err(Error::Expendability.into_dispatch());
    }
    Ok(left)
}

/// A balance below the existential deposit cannot be kept: the account is reaped.
fn reap_dust(balance: Balance) -> Balance {
    if balance < EXISTENTIAL_DEPOSIT {
        0
    } else {
        balance
    }
}

pub fn transfer(
    ctx: &mut Ctx<'_>,
    from: &AccountId,
    to: &AccountId,
    amount: Balance,
    keep_alive: bool,
) -> DispatchResult {
    let from_free = free(ctx, from);
    let left = withdrawable(from_free, amount, keep_alive)?;
    if from == to || amount == 0 {
        return Ok(());
    }
    let to_free = free(ctx, to);
    if to_free.saturating_add(amount) < EXISTENTIAL_DEPOSIT {
        return Err(Error::ExistentialDeposit.into_dispatch());
    }
    let kept = reap_dust(left);
    set_free(ctx, from, kept);
    if kept != left {
        ctx.deposit(RuntimeEvent::Balances(Event::DustLost {
            account: *from,
            amount: left,
        }));
        TOTAL_ISSUANCE.mutate(ctx.state, |total| *total = total.saturating_sub(left));
    }
    set_free(ctx, to, to_free.saturating_add(amount));
    ctx.deposit(RuntimeEvent::Balances(Event::Transfer {
        from: *from,
        to: *to,
        amount,
    }));
    Ok(())
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::transfer_allow_death { dest, value } => {
            transfer(ctx, &origin.signed()?, &lookup(&dest)?, value, false)
        }
        Call::transfer_keep_alive { dest, value } => {
            transfer(ctx, &origin.signed()?, &lookup(&dest)?, value, true)
        }
        Call::force_transfer {
            source,
            dest,
            value,
        } => {
            origin.root()?;
            transfer(ctx, &lookup(&source)?, &lookup(&dest)?, value, false)
        }
        Call::transfer_all { dest, keep_alive } => {
            let who = origin.signed()?;
            let all = free(ctx, &who);
            let amount = if keep_alive {
                all.saturating_sub(EXISTENTIAL_DEPOSIT)
            } else {
                all
            };
            transfer(ctx, &who, &lookup(&dest)?, amount, keep_alive)
        }
        Call::force_set_balance { who, new_free } => {
            origin.root()?;
            let who = lookup(&who)?;
            let old = free(ctx, &who);
            let new_free = reap_dust(new_free);
            set_free(ctx, &who, new_free);
            TOTAL_ISSUANCE.mutate(ctx.state, |total| {
                *total = total.saturating_add(new_free).saturating_sub(old)
            });
            ctx.deposit(RuntimeEvent::Balances(Event::BalanceSet {
                who,
                free: new_free,
            }));
            Ok(())
        }
        Call::burn { value, keep_alive } => {
            let who = origin.signed()?;
            burn(ctx, &who, value, keep_alive)?;
            ctx.deposit(RuntimeEvent::Balances(Event::Burned { who, amount: value }));
            Ok(())
        }
    }
}

pub fn constants() -> Vec<crate::metadata::Constant> {
    vec![
        crate::metadata::Constant::new::<Balance>("ExistentialDeposit", &EXISTENTIAL_DEPOSIT),
        crate::metadata::Constant::new::<u32>("MaxLocks", &50),
        crate::metadata::Constant::new::<u32>("MaxReserves", &50),
        crate::metadata::Constant::new::<u32>("MaxFreezes", &50),
    ]
}
