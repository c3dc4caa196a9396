//! One epoch output as a single byte buffer. Handing a buffer to JS costs a couple of
//! microseconds, so fourteen typed arrays cost more than a small epoch; one buffer, viewed
//! as typed arrays on the JS side (`packages/yuma/src/packed.ts`), costs one.
//!
//! Layout, native-endian, every section starting at a multiple of 8 bytes:
//! `n: u32, bond_entries: u32`, then `server_emission, validator_emission, emission` (u64
//! × n each), bond `offsets` (u32 × n+1), `stake_weight, consensus, validator_trust,
//! incentive, dividends` (u16 × n each), bond `uids` and `values` (u16 × entries each),
//! `active` and `validator_permit` (u8 × n each).

use taokit_yuma::EpochOutput;

pub fn pack(out: &EpochOutput) -> Vec<u8> {
    let n = out.active.len();
    let entries = out.bonds.cols.len();
    let mut bytes = Vec::with_capacity(64 + n * 40 + entries * 4);
    let header = [n as u32, entries as u32];
    extend(&mut bytes, &header, u32::to_ne_bytes);
    for amounts in [&out.server_emission, &out.validator_emission, &out.emission] {
        extend(&mut bytes, amounts, u64::to_ne_bytes);
    }
    extend(&mut bytes, &out.bonds.offsets, u32::to_ne_bytes);
    for values in [
        &out.stake_weight,
        &out.consensus,
        &out.validator_trust,
        &out.incentive,
        &out.dividends,
        &out.bonds.cols,
        &out.bonds.values,
    ] {
        extend(&mut bytes, values, u16::to_ne_bytes);
    }
    for flags in [&out.active, &out.validator_permit] {
        bytes.extend(flags.iter().map(|&f| u8::from(f)));
        pad(&mut bytes);
    }
    bytes
}

fn extend<T: Copy, const N: usize>(bytes: &mut Vec<u8>, values: &[T], to_bytes: fn(T) -> [u8; N]) {
    for &value in values {
        bytes.extend_from_slice(&to_bytes(value));
    }
    pad(bytes);
}

fn pad(bytes: &mut Vec<u8>) {
    bytes.resize(bytes.len().next_multiple_of(8), 0);
}
