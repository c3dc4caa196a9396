use codec::{Decode, Encode};
use scale_info::{build::Fields, Path, Type, TypeInfo, TypeParameter};

/// `Cow<'static, T>` as metadata names it: a one-field composite with the path `Cow`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Cow<T>(pub T);

impl<T: TypeInfo + 'static> TypeInfo for Cow<T> {
    type Identity = Self;

    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments(["Cow"]).expect("a valid path"))
            .type_params([TypeParameter::new("T", Some(scale_info::meta_type::<T>()))])
            .composite(Fields::unnamed().field(|f| f.ty::<T>()))
    }
}
