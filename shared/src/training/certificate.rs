//! Certificates of attendance: who reached a course's threshold gets one, with a code anyone can
//! check at a public page that shows the holder's initials, the course and the hours, and
//! nothing else.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::MessageLanguage;
use crate::FieldError;

/// The letters of a code: Crockford's base 32, without the ones people misread (I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code, without the dashes: 60 random bits, not guessable.
pub const CODE_LEN: usize = 12;

/// A certificate's verification code, `XXXX-XXXX-XXXX`. Parsing forgives what people do when
/// they copy a code by hand: lower case, spaces, missing dashes, O for 0, I and L for 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateCode(String);

impl CertificateCode {
    /// A code from 60 random bits.
    pub fn from_bits(bits: u64) -> Self {
        let chars: String = (0..CODE_LEN)
            .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
            .collect();
        Self(group(&chars))
    }

    /// Reads a code as typed.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let mut chars = String::new();
        for ch in s.chars() {
            let ch = match ch.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ch.is_ascii() || !ALPHABET.contains(&(ch as u8)) {
                return Err(FieldError::new(
                    "code",
                    "invalid_code",
                    "a code has 12 letters and digits, like 7KQ2-M9XD-4HTA",
                ));
            }
            chars.push(ch);
        }
        if chars.len() != CODE_LEN {
            return Err(FieldError::new(
                "code",
                "invalid_code",
                "a code has 12 letters and digits, like 7KQ2-M9XD-4HTA",
            ));
        }
        Ok(Self(group(&chars)))
    }

    /// The code as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn group(chars: &str) -> String {
    let c: Vec<char> = chars.chars().collect();
    c.chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A name's initials as the public page shows them: "Maria Grazia De Luca" → "M. G. D. L.".
pub fn initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Minutes in words: "12 ore e 30 minuti", "1 hour".
pub fn hours_in_words(minutes: i64, lang: MessageLanguage) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let (hour, hours, minute, mins, and) = match lang {
        MessageLanguage::It => ("ora", "ore", "minuto", "minuti", "e"),
        MessageLanguage::En => ("hour", "hours", "minute", "minutes", "and"),
    };
    let hs = format!("{h} {}", if h == 1 { hour } else { hours });
    let ms = format!("{m} {}", if m == 1 { minute } else { mins });
    match (h, m) {
        (_, 0) => hs,
        (0, _) => ms,
        _ => format!("{hs} {and} {ms}"),
    }
}

/// A certificate issued, as the course's staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// Id (for the PDF: `GET /api/v1/training/certificates/{id}/pdf`).
    pub id: String,
    /// The verification code printed on it.
    #[cfg_attr(feature = "openapi", schema(example = "7KQ2-M9XD-4HTA"))]
    pub code: String,
    /// The course.
    pub course_id: String,
    /// The holder.
    pub participant_id: String,
    /// The holder's name.
    pub full_name: String,
    /// Minutes attended, as certified.
    pub attended_minutes: i64,
    /// Minutes the course planned.
    pub planned_minutes: i64,
    /// When it was issued, UTC without an offset.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "lumit:local-datetime"))]
    pub issued_at: NaiveDateTime,
}

/// What the public page confirms of a certificate: initials, course, hours. Nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateCheck {
    /// The code checked.
    pub code: String,
    /// The holder's initials, e.g. `M. R.`.
    pub initials: String,
    /// The course's title.
    pub course_title: String,
    /// Minutes attended, as certified.
    pub attended_minutes: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_typed_by_hand() {
        let code = CertificateCode::from_bits(0x0fed_cba9_8765_4321);
        assert_eq!(code.as_str().len(), 14);
        let sloppy = code.as_str().to_lowercase().replace('-', " ");
        assert_eq!(CertificateCode::parse(&sloppy).unwrap(), code);
        assert_eq!(
            CertificateCode::parse("o0il-2345-6789").unwrap().as_str(),
            "0011-2345-6789"
        );
        for bad in [
            "",
            "ABCD-EFGH",
            "ABCD-EFGH-JKMNP",
            "ABCD-EFGH-JKM!",
            "ÀBCD-EFGH-JKMN",
        ] {
            assert_eq!(
                CertificateCode::parse(bad).unwrap_err().field,
                "code",
                "{bad}"
            );
        }
    }

    #[test]
    fn different_bits_give_different_codes() {
        assert_ne!(
            CertificateCode::from_bits(1).as_str(),
            CertificateCode::from_bits(2).as_str()
        );
    }

    #[test]
    fn initials_take_the_first_letter_of_each_name() {
        assert_eq!(initials("Maria Grazia  De Luca"), "M. G. D. L.");
        assert_eq!(initials("élodie 'Ndiaye"), "É. N.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn hours_read_as_words() {
        let it = MessageLanguage::It;
        assert_eq!(hours_in_words(750, it), "12 ore e 30 minuti");
        assert_eq!(hours_in_words(60, it), "1 ora");
        assert_eq!(hours_in_words(1, it), "1 minuto");
        assert_eq!(
            hours_in_words(61, MessageLanguage::En),
            "1 hour and 1 minute"
        );
        assert_eq!(hours_in_words(0, MessageLanguage::En), "0 hours");
    }
}
