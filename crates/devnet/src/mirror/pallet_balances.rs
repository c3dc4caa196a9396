pub mod types {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct ExtraFlags(pub u128);

    /// Accounts are created with the "new logic" flag, as pallet_balances sets it.
    impl Default for ExtraFlags {
        fn default() -> Self {
            Self(1 << 127)
        }
    }

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct AccountData<Balance> {
        pub free: Balance,
        pub reserved: Balance,
        pub frozen: Balance,
        pub flags: ExtraFlags,
    }
}

pub mod pallet {
    use crate::mirror::sp_core::crypto::AccountId32;
    use crate::mirror::sp_runtime::multiaddress::Address;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 0)]
        transfer_allow_death {
            dest: Address,
            #[codec(compact)]
            value: u64,
        },
        #[codec(index = 2)]
        force_transfer {
            source: Address,
            dest: Address,
            #[codec(compact)]
            value: u64,
        },
        #[codec(index = 3)]
        transfer_keep_alive {
            dest: Address,
            #[codec(compact)]
            value: u64,
        },
        #[codec(index = 4)]
        transfer_all { dest: Address, keep_alive: bool },
        #[codec(index = 8)]
        force_set_balance {
            who: Address,
            #[codec(compact)]
            new_free: u64,
        },
        #[codec(index = 10)]
        burn {
            #[codec(compact)]
            value: u64,
            keep_alive: bool,
        },
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 0)]
        Endowed {
            account: AccountId32,
            free_balance: u64,
        },
        #[codec(index = 1)]
        DustLost { account: AccountId32, amount: u64 },
        #[codec(index = 2)]
        Transfer {
            from: AccountId32,
            to: AccountId32,
            amount: u64,
        },
        #[codec(index = 3)]
        BalanceSet { who: AccountId32, free: u64 },
        #[codec(index = 7)]
        Deposit { who: AccountId32, amount: u64 },
        #[codec(index = 8)]
        Withdraw { who: AccountId32, amount: u64 },
        #[codec(index = 11)]
        Burned { who: AccountId32, amount: u64 },
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Error {
        #[codec(index = 2)]
        InsufficientBalance,
        #[codec(index = 3)]
        ExistentialDeposit,
        #[codec(index = 4)]
        Expendability,
        #[codec(index = 6)]
        DeadAccount,
    }
}
