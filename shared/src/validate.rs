//! Parsing of untrusted input into checked values, collecting every field error at once.

use crate::FieldError;

/// Collects field errors while a request body is parsed.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Records an error for a field.
    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Keeps the value of a parse, recording its error under `field`.
    pub fn take<T>(&mut self, field: &str, r: Result<T, (&'static str, String)>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err((code, msg)) => {
                self.add(field, code, msg);
                None
            }
        }
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }

    /// True when nothing went wrong so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Result of parsing one value: the error is (code, message).
pub type Parsed<T> = Result<T, (&'static str, String)>;

/// A required single-line text: trimmed, not empty, at most `max` characters, no control characters.
pub fn required_text(s: &str, max: usize) -> Parsed<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(("required", "must not be empty".into()));
    }
    single_line(t, max)
}

/// An optional single-line text: empty or blank becomes `None`.
pub fn optional_text(s: Option<&str>, max: usize) -> Parsed<Option<String>> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => single_line(t, max).map(Some),
    }
}

/// A required text of several lines (line breaks and tabs allowed, other control characters not).
pub fn required_paragraphs(s: &str, max: usize) -> Parsed<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(("required", "must not be empty".into()));
    }
    if t.chars().count() > max {
        return Err(("too_long", format!("must be at most {max} characters")));
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err((
            "invalid_characters",
            "must not contain control characters".into(),
        ));
    }
    Ok(t.to_owned())
}

fn single_line(t: &str, max: usize) -> Parsed<String> {
    if t.chars().count() > max {
        return Err(("too_long", format!("must be at most {max} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err((
            "invalid_characters",
            "must not contain control characters".into(),
        ));
    }
    Ok(t.to_owned())
}

/// An optional e-mail address (a pragmatic check: one `@`, a dot in the domain, no spaces).
pub fn optional_email(s: Option<&str>) -> Parsed<Option<String>> {
    let Some(t) = optional_text(s, 254)? else {
        return Ok(None);
    };
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !t.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(Some(t))
    } else {
        Err(("invalid_email", "is not a valid e-mail address".into()))
    }
}

/// An optional phone number: 5 to 20 digits, with at most two of ` + - ( ) / .` before, between
/// or after them (`+39 (0583) 12-34`), so at most 62 characters. The API document states the
/// same rule as a pattern (`lumit:phone?`).
pub fn optional_phone(s: Option<&str>) -> Parsed<Option<String>> {
    let Some(t) = optional_text(s, 64)? else {
        return Ok(None);
    };
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed = t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    let longest_run = t
        .split(|c: char| c.is_ascii_digit())
        .map(|run| run.chars().count())
        .max()
        .unwrap_or(0);
    if allowed && (5..=20).contains(&digits) && longest_run <= 2 {
        Ok(Some(t))
    } else {
        Err(("invalid_phone", "is not a valid phone number".into()))
    }
}

/// A language code: ISO 639-1 (two letters) or ISO 639-2/3 (three letters), lower case.
pub fn language(s: &str) -> Parsed<String> {
    let t = s.trim().to_ascii_lowercase();
    if (2..=3).contains(&t.len()) && t.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(t)
    } else {
        Err((
            "invalid_language",
            format!("`{s}` is not an ISO 639 language code"),
        ))
    }
}

/// An optional code of exactly `n` ASCII digits (an ISTAT code): trimmed, blank is none.
pub fn optional_digits(s: Option<&str>, n: usize) -> Parsed<Option<String>> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.len() == n && t.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(t.to_owned())),
        Some(_) => Err(("invalid_format", format!("must be {n} digits"))),
    }
}

/// A time of day written exactly `HH:MM` (00:00 to 23:59), as opening hours are.
pub fn clock(s: &str) -> Parsed<chrono::NaiveTime> {
    let b = s.as_bytes();
    let shape = b.len() == 5
        && b[2] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit());
    shape
        .then(|| chrono::NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| ("invalid_time", "must be a time HH:MM".into()))
}

/// A password a person chose: 12 to 256 characters.
pub fn new_password(s: &str) -> Parsed<String> {
    let n = s.chars().count();
    if n < 12 {
        Err(("too_short", "must be at least 12 characters".into()))
    } else if n > 256 {
        Err(("too_long", "must be at most 256 characters".into()))
    } else {
        Ok(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert!(required_text("  ", 10).is_err());
        assert_eq!(required_text(" Lucca ", 10).unwrap(), "Lucca");
        assert!(required_text("abcdefghijk", 10).is_err());
        assert!(required_text("a\u{7}b", 10).is_err());
        assert_eq!(optional_text(Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn emails_and_phones() {
        assert!(optional_email(Some("ufficio@comune.camaiore.lu.it"))
            .unwrap()
            .is_some());
        assert!(optional_email(Some("nope")).is_err());
        assert!(optional_email(Some("a@b")).is_err());
        assert!(optional_phone(Some("+39 0583 1234")).unwrap().is_some());
        assert!(optional_phone(Some("call me")).is_err());
    }

    #[test]
    fn languages_and_passwords() {
        assert_eq!(language("AR").unwrap(), "ar");
        assert!(language("arabic").is_err());
        assert!(new_password("short").is_err());
        assert!(new_password("correct horse battery").is_ok());
    }
}
