//! JSON bodies read as the OpenAPI document describes them. serde_json lets a struct be read from
//! an array (`[null, null]` fills a two-field struct by position), which no schema in the document
//! allows: here an object type takes only a JSON object, at every depth. Everything else behaves
//! as serde_json's own `Value` does.

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Number, Value};

/// A parsed JSON value that refuses to become a struct unless it is an object.
pub struct Strict(pub Value);

impl<'de> IntoDeserializer<'de, Error> for Strict {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// A number as its visitor wants it. JSON Schema counts `3.0` as an integer, so a whole number
/// written with a fraction is given as an integer too.
fn number<'de, V: Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        // Within ±2^53 a float holds whole numbers exactly.
        if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
            visitor.visit_i64(f as i64)
        } else {
            visitor.visit_f64(f)
        }
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> de::Deserializer<'de> for Strict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => number(n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Strict));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(map) => {
                let mut entries =
                    MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Strict(v))));
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            ref other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_struct("", &[], visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let entries = MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Strict(v))));
                visitor.visit_enum(de::value::MapAccessDeserializer::new(entries))
            }
            ref other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a variant name",
            )),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::Strict;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        n: i64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        WithValue(i64),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: Option<String>,
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        kind: Option<Kind>,
    }

    fn read(json: &str) -> Result<Outer, String> {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        Outer::deserialize(Strict(value)).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_are_read_as_serde_json_reads_them() {
        let outer =
            read(r#"{"name":"a","inner":{"n":-3},"list":[{"n":1}],"kind":{"with_value":4}}"#)
                .unwrap();
        assert_eq!(outer.inner, Some(Inner { n: -3 }));
        assert_eq!(outer.list, vec![Inner { n: 1 }]);
        assert_eq!(outer.kind, Some(Kind::WithValue(4)));
        assert_eq!(read(r#"{"kind":"plain"}"#).unwrap().kind, Some(Kind::Plain));
        assert_eq!(read(r#"{"name":null}"#).unwrap().name, None);
    }

    #[test]
    fn an_array_is_not_a_struct_at_any_depth() {
        let top = read("[null, null, [], null]").unwrap_err();
        assert!(top.contains("invalid type: sequence"), "{top}");
        let nested = read(r#"{"inner":[5]}"#).unwrap_err();
        assert!(nested.contains("invalid type: sequence"), "{nested}");
        let in_list = read(r#"{"list":[[1]]}"#).unwrap_err();
        assert!(in_list.contains("invalid type: sequence"), "{in_list}");
    }

    #[test]
    fn a_whole_number_with_a_fraction_is_an_integer() {
        let inner: Inner = Inner::deserialize(Strict(serde_json::json!({"n": 3.0}))).unwrap();
        assert_eq!(inner, Inner { n: 3 });
        assert!(Inner::deserialize(Strict(serde_json::json!({"n": 3.5}))).is_err());
    }

    #[test]
    fn wrong_scalars_are_refused() {
        for body in [
            r#"{"name":5}"#,
            r#"{"inner":{"n":1.5}}"#,
            r#"{"inner":{"n":1e300}}"#,
            r#"{"inner":{"n":"1"}}"#,
            r#"{"kind":5}"#,
            r#"{"inner":{"n":1},"extra":1}"#,
            "\"text\"",
            "7",
        ] {
            assert!(read(body).is_err(), "{body} was accepted");
        }
    }
}
