//! Serde helpers for PATCH bodies: an absent field is `None` (unchanged), `null` is `Some(None)`
//! (cleared), a value is `Some(Some(v))`. Use with `#[serde(default, with = "crate::patch")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serialises `Some(None)` as `null` (the field is skipped when `None`).
pub fn serialize<S: Serializer, T: Serialize>(
    v: &Option<Option<T>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(Some(x)) => x.serialize(s),
        _ => s.serialize_none(),
    }
}

/// A present field, `null` or not, becomes `Some`.
pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
