//! Building a block: initialise, apply the timestamp inherent and the transactions, and seal
//! the header. Every transaction is checked the way subtensor's extensions check it.

use crate::mirror::frame_metadata_hash_extension::Mode;
use crate::mirror::frame_support::dispatch::Pays;
use crate::mirror::frame_system::pallet::Event as SystemEvent;
use crate::mirror::frame_system::{DispatchEventInfo, Phase};
use crate::mirror::node_subtensor_runtime::{RuntimeCall, RuntimeEvent};
use crate::mirror::pallet_balances::pallet::Event as BalancesEvent;
use crate::mirror::pallet_timestamp::pallet::Call as TimestampCall;
use crate::mirror::pallet_transaction_payment::pallet::Event as PaymentEvent;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::digest::Digest;
use crate::mirror::sp_runtime::generic::era::Era;
use crate::mirror::sp_runtime::generic::header::Header;
use crate::mirror::sp_runtime::DispatchError;
use crate::pallets::{balances, system, transaction_payment, MAX_NORMAL_LENGTH};
use crate::runtime::context::{AccountId, Ctx, Event, Origin};
use crate::runtime::dispatch::{dispatch_call, weight_of};
use crate::runtime::extrinsic::{check_signature, signing_payload, Extrinsic, Implicit, Invalid};
use crate::runtime::version::{SPEC_VERSION, TRANSACTION_VERSION};
use crate::storage::State;
use codec::{Decode, Encode};
use taokit_crypto::hash::{blake2b_256, twox_128};

/// A block as it is stored and served: header and opaque extrinsics.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    pub header: Header,
    pub extrinsics: Vec<Vec<u8>>,
}

impl Block {
    pub fn hash(&self) -> H256 {
        header_hash(&self.header)
    }
}

pub fn header_hash(header: &Header) -> H256 {
    H256(blake2b_256(&header.encode()))
}

/// A transaction that passed its checks: who pays, what, and the nonce it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    pub signer: AccountId,
    pub nonce: u32,
    pub fee: u64,
    pub tip: u64,
    /// The last block (exclusive) in which it may be included.
    pub valid_till: u64,
}

/// What the checks of a transaction compare against: the chain's identity and the state
/// of the block it would go into.
pub struct CheckEnv<'a> {
    pub state: &'a State,
    pub genesis: H256,
    /// The number of the block being built.
    pub number: u32,
    /// The hash of its parent, which the state records only once the block starts.
    pub parent_hash: H256,
}

/// Checks a signed transaction against `env`; `Future` means its nonce is ahead.
pub fn check(env: &CheckEnv<'_>, ext: &Extrinsic) -> Result<Checked, Invalid> {
    check_with(env, ext, Signature::Verify)
}

/// Whether a check verifies the signature, or trusts that the pool already did: the
/// signed payload (call, extras, genesis, spec, birth block) cannot change in between.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    Verify,
    VerifiedOnSubmit,
}

fn check_with(
    env: &CheckEnv<'_>,
    ext: &Extrinsic,
    signature: Signature,
) -> Result<Checked, Invalid> {
    let Some(signed) = &ext.signed else {
        return Err(if matches!(ext.call, RuntimeCall::Timestamp(_)) {
            Invalid::MandatoryValidation
        } else {
            Invalid::Call
        });
    };
    if ext.bytes.len() > MAX_NORMAL_LENGTH as usize {
        return Err(Invalid::ExhaustsResources);
    }
    if signed.extra.mode == Mode::Enabled {
        return Err(Invalid::BadProof);
    }
    let current = u64::from(env.number);
    let birth = signed.extra.era.birth(current);
    let birth_hash = match signed.extra.era {
        Era::Immortal => env.genesis,
        Era::Mortal { .. } if birth == 0 => env.genesis,
        Era::Mortal { .. } => {
            let birth = u32::try_from(birth).map_err(|_| Invalid::AncientBirthBlock)?;
            if birth >= env.number {
                return Err(Invalid::AncientBirthBlock);
            }
            if birth + 1 == env.number {
                env.parent_hash
            } else {
                system::BLOCK_HASH
                    .try_get(env.state, &birth)
                    .filter(|hash| *hash != H256::default())
                    .ok_or(Invalid::AncientBirthBlock)?
            }
        }
    };
    let implicit = Implicit {
        spec_version: SPEC_VERSION,
        transaction_version: TRANSACTION_VERSION,
        genesis: env.genesis,
        birth_block: birth_hash,
    };
    if signature == Signature::Verify {
        let payload = signing_payload(&ext.call, &signed.extra, &implicit);
        if !check_signature(&signed.signer, &signed.signature, &payload) {
            return Err(Invalid::BadProof);
        }
    }
    let valid_till = signed.extra.era.death(current);
    if current >= valid_till {
        return Err(Invalid::Stale);
    }
    let account = system::ACCOUNT.get(env.state, &signed.signer);
    let nonce = signed.extra.nonce.0;
    if nonce < account.nonce {
        return Err(Invalid::Stale);
    }
    let info = weight_of(&ext.call);
    let tip = signed.extra.tip.0;
    let fee = transaction_payment::partial_fee(&info, ext.bytes.len()).saturating_add(tip);
    if fee > account.data.free {
        return Err(Invalid::Payment);
    }
    if nonce > account.nonce {
        return Err(Invalid::Future);
    }
    Ok(Checked {
        signer: signed.signer,
        nonce,
        fee,
        tip,
        valid_till,
    })
}

/// One block under construction.
pub struct BlockBuilder {
    pub state: State,
    parent_state: State,
    parent: Header,
    parent_hash: H256,
    number: u32,
    genesis: H256,
    events: Vec<Event>,
    extrinsics: Vec<Vec<u8>>,
}

impl BlockBuilder {
    /// Starts block `parent.number + 1` on `parent_state`, applying the timestamp inherent.
    pub fn new(
        parent_state: &State,
        parent: &Header,
        parent_hash: H256,
        genesis: H256,
        timestamp: u64,
    ) -> Self {
        let number = parent.number + 1;
        let mut builder = Self {
            state: parent_state.clone(),
            parent_state: parent_state.clone(),
            parent: parent.clone(),
            parent_hash,
            number,
            genesis,
            events: Vec::new(),
            extrinsics: Vec::new(),
        };
        let state = &mut builder.state;
        system::NUMBER.put(state, &number);
        system::PARENT_HASH.put(state, &parent_hash);
        system::BLOCK_HASH.insert(state, &(number - 1), &parent_hash);
        if let Some(expired) = number.checked_sub(system::BLOCK_HASH_COUNT + 1) {
            system::BLOCK_HASH.remove(state, &expired);
        }
        system::EVENTS.kill(state);
        system::EVENT_COUNT.put(state, &0);
        system::DIGEST.put(state, &Digest::default());
        crate::pallets::timestamp::DID_UPDATE.put(state, &false);
        let inherent = Extrinsic::bare(RuntimeCall::Timestamp(TimestampCall::set {
            now: timestamp,
        }));
        builder.apply_inherent(inherent);
        builder.initialize_pallets();
        builder
    }

    /// Pallet hooks that run after the inherents, in phase `Initialization`.
    fn initialize_pallets(&mut self) {
        let mut ctx = self.ctx(Phase::Initialization);
        crate::pallets::subtensor::on_initialize(&mut ctx);
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    fn ctx(&mut self, phase: Phase) -> Ctx<'_> {
        Ctx {
            state: &mut self.state,
            block: self.number,
            phase,
            events: &mut self.events,
        }
    }

    fn phase(&self) -> Phase {
        Phase::ApplyExtrinsic(self.extrinsics.len() as u32)
    }

    fn apply_inherent(&mut self, ext: Extrinsic) {
        let phase = self.phase();
        let info = weight_of(&ext.call);
        let mut ctx = self.ctx(phase);
        let result = ctx.transactional(|ctx| dispatch_call(ctx, Origin::None, ext.call.clone()));
        deposit_outcome(&mut ctx, result, dispatch_event_info(&info));
        self.extrinsics.push(ext.bytes);
    }

    /// Checks and applies a transaction. `Err` means it is not included; a call that fails
    /// is included, pays its fee, and records `ExtrinsicFailed`.
    pub fn apply(
        &mut self,
        ext: Extrinsic,
        signature: Signature,
    ) -> Result<Result<(), DispatchError>, Invalid> {
        let env = CheckEnv {
            state: &self.state,
            genesis: self.genesis,
            number: self.number,
            parent_hash: self.parent_hash,
        };
        let checked = check_with(&env, &ext, signature)?;
        let phase = self.phase();
        let info = weight_of(&ext.call);
        let mut ctx = self.ctx(phase);
        system::ACCOUNT.mutate(ctx.state, &checked.signer, |account| account.nonce += 1);
        if checked.fee > 0 {
            balances::burn(&mut ctx, &checked.signer, checked.fee, false)
                .map_err(|_| Invalid::Payment)?;
            ctx.deposit(RuntimeEvent::Balances(BalancesEvent::Withdraw {
                who: checked.signer,
                amount: checked.fee,
            }));
        }
        let result = ctx.transactional(|ctx| {
            dispatch_call(ctx, Origin::Signed(checked.signer), ext.call.clone())
        });
        if info.pays == Pays::Yes || checked.tip > 0 {
            ctx.deposit(RuntimeEvent::TransactionPayment(
                PaymentEvent::TransactionFeePaid {
                    who: checked.signer,
                    actual_fee: checked.fee,
                    tip: checked.tip,
                },
            ));
        }
        deposit_outcome(&mut ctx, result, dispatch_event_info(&info));
        self.extrinsics.push(ext.bytes);
        Ok(result)
    }

    /// Runs the end-of-block hooks and seals the header.
    pub fn finish(mut self) -> (Block, State) {
        system::EVENT_COUNT.put(&mut self.state, &(self.events.len() as u32));
        system::EVENTS.put(&mut self.state, &self.events);
        let header = Header {
            parent_hash: self.parent_hash,
            number: self.number,
            state_root: state_commitment(&self.parent.state_root, &self.parent_state, &self.state),
            extrinsics_root: H256(blake2b_256(&self.extrinsics.encode())),
            digest: Digest::default(),
        };
        let block = Block {
            header,
            extrinsics: self.extrinsics,
        };
        (block, self.state)
    }
}

fn dispatch_event_info(info: &transaction_payment::DispatchInfo) -> DispatchEventInfo {
    DispatchEventInfo {
        weight: info.weight,
        class: info.class,
        pays_fee: info.pays,
    }
}

fn deposit_outcome(ctx: &mut Ctx<'_>, result: Result<(), DispatchError>, info: DispatchEventInfo) {
    ctx.deposit(RuntimeEvent::System(match result {
        Ok(()) => SystemEvent::ExtrinsicSuccess {
            dispatch_info: info,
        },
        Err(dispatch_error) => SystemEvent::ExtrinsicFailed {
            dispatch_error,
            dispatch_info: info,
        },
    }));
}

/// The header's state root. Not a Patricia trie root (nothing here serves proofs): a hash
/// of the parent's root and of every key that changed with its new value, which commits to
/// the state just as well and costs in proportion to the change.
pub fn state_commitment(parent_root: &H256, parent: &State, state: &State) -> H256 {
    // Nothing verifies a devnet state root against a trie, so the changed entries are
    // fingerprinted with xxhash (an order of magnitude cheaper than blake2 on the large
    // vectors an epoch writes) and only the list of fingerprints is blake2-hashed.
    let mut data = parent_root.0.to_vec();
    for (key, value) in parent.changes(state) {
        data.extend_from_slice(&twox_128(key));
        data.extend_from_slice(&value.map_or([0; 16], twox_128));
    }
    H256(blake2b_256(&data))
}
