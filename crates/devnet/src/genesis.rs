//! The devnet's first state: the dev accounts of a subtensor localnet, funded, with Alice
//! as sudo.

use crate::mirror::frame_system::Phase;
use crate::mirror::sp_core::crypto::AccountId32;
use crate::pallets::{balances, subtensor, sudo};
use crate::runtime::context::Ctx;
use crate::storage::State;
use taokit_crypto::Keypair;

pub const TAO: u64 = 1_000_000_000;

/// The dev accounts and their balances, as subtensor's localnet funds them.
pub const DEV_ACCOUNTS: &[(&str, u64)] = &[
    ("Alice", 1_000_000 * TAO),
    ("Bob", 1_000_000 * TAO),
    ("Charlie", 1_000_000 * TAO),
    ("Dave", 2_000 * TAO),
    ("Eve", 2_000 * TAO),
    ("Ferdie", 2_000 * TAO),
];

pub fn dev_account(name: &str) -> AccountId32 {
    let keypair = Keypair::from_uri(&format!("//{name}")).expect("a dev URI");
    AccountId32(keypair.public_key())
}

/// Runs `f` on `state` as part of the genesis block, whose events nobody keeps.
pub fn at_genesis<T>(state: &mut State, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let mut events = Vec::new();
    let mut ctx = Ctx {
        state,
        block: 0,
        phase: Phase::Initialization,
        events: &mut events,
    };
    f(&mut ctx)
}

/// Makes subtensor's issuance (what the halving counts) agree with the balances minted.
pub fn sync_issuance(ctx: &mut Ctx<'_>) {
    let issued = balances::TOTAL_ISSUANCE.get(ctx.state);
    subtensor::storage::TOTAL_ISSUANCE.put(ctx.state, &issued);
}

pub fn genesis_state() -> State {
    let mut state = State::default();
    at_genesis(&mut state, |ctx| {
        for (name, amount) in DEV_ACCOUNTS {
            balances::mint(ctx, &dev_account(name), *amount);
        }
        sudo::KEY.put(ctx.state, &dev_account("Alice"));
        sync_issuance(ctx);
    });
    state
}
