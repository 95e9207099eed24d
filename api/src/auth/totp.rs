//! The second factor: time-based one-time codes (TOTP, RFC 6238: 6 digits, 30-second steps,
//! SHA-1, what every authenticator app reads) and one-time recovery codes.

use base64::Engine;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

/// Length of a step, in seconds.
const STEP: u64 = 30;
/// Steps either side of now a code is still taken for: a phone's clock a little off, or a code
/// typed as it changed.
const SKEW: u64 = 1;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// What the authenticator app shows the account as coming from.
const ISSUER: &str = "LUMIT";

/// A new secret of 160 bits (RFC 4226's recommendation), in base32 as stored and shown.
pub fn new_secret() -> String {
    let mut bytes = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes).to_encoded() {
        Secret::Encoded(ref s) => s.clone(),
        Secret::Raw(_) => unreachable!("to_encoded gives an encoded secret"),
    }
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        SKEW as u8,
        STEP,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The step a code is right for, within [`SKEW`] steps of `now` (Unix seconds); None when it
/// is wrong. Only digits count: spaces people type between groups are ignored.
pub fn matching_step(secret: &str, code: &str, now: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let current = now / STEP;
    // Every candidate is compared, so the time taken says nothing of which one matched.
    let mut found = None;
    for step in current.saturating_sub(SKEW)..=current + SKEW {
        if super::constant_time_eq(&totp.generate(step * STEP), &code) {
            found = Some(step);
        }
    }
    found.and_then(|s| i64::try_from(s).ok())
}

/// The code of `secret` at `now` (Unix seconds): for tests and the command line.
pub fn code_at(secret: &str, now: u64) -> Option<String> {
    totp(secret, "").map(|t| t.generate(now))
}

/// The current Unix time in seconds.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What an authenticator app needs: the `otpauth://` address and a QR code of it, as an SVG
/// `data:` address an `<img>` shows.
pub fn provisioning(secret: &str, username: &str) -> anyhow::Result<(String, String)> {
    let totp = totp(secret, username).ok_or_else(|| anyhow::anyhow!("invalid TOTP secret"))?;
    let url = totp.get_url();
    let svg = qrcode::QrCode::new(url.as_bytes())?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let data = base64::engine::general_purpose::STANDARD.encode(svg);
    Ok((url, format!("data:image/svg+xml;base64,{data}")))
}

/// Recovery codes as shown once: 12 characters without look-alikes (60 bits) in groups of four.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut buf = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut buf);
            let chars: Vec<char> = buf
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// How a recovery code is stored and looked up: without case, dashes or spaces, hashed.
pub fn recovery_code_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    super::sha256_hex(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let code = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some(60_000_000));
        assert_eq!(
            matching_step(&secret, &code, now + 30),
            Some(60_000_000),
            "one step late is taken"
        );
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(60_000_000));
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert_eq!(matching_step("not base32!", &code, now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_forgiving_to_type() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut hashes: Vec<_> = codes.iter().map(|c| recovery_code_hash(c)).collect();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 14);
        assert_eq!(
            recovery_code_hash(&c.replace('-', " ").to_uppercase()),
            recovery_code_hash(c)
        );
    }

    #[test]
    fn the_qr_code_carries_the_account() {
        let (url, img) = provisioning(&new_secret(), "m.rossi").unwrap();
        assert!(
            url.starts_with("otpauth://totp/LUMIT:m.rossi?secret="),
            "{url}"
        );
        assert!(img.starts_with("data:image/svg+xml;base64,"));
    }
}
