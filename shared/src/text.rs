//! Text folding used for search: case- and accent-insensitive matching on both databases.

/// Lower-cases and strips diacritics (`"Nguyễn"` → `"nguyen"`, `"Città"` → `"citta"`), keeping
/// letters, digits and single spaces. The same function runs when storing and when searching, so
/// a plain `LIKE` works the same on SQLite and PostgreSQL.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        let base = strip_accent(c);
        if base.is_alphanumeric() {
            out.push(base);
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Maps a lower-case Latin letter with diacritics to its base letter.
fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ầ' | 'ấ' | 'ẫ' | 'ẩ' | 'ậ' | 'ằ'
        | 'ắ' | 'ẵ' | 'ẳ' | 'ặ' | 'ả' | 'ạ' => 'a',
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ề' | 'ế' | 'ễ' | 'ể' | 'ệ' | 'ẻ'
        | 'ẽ' | 'ẹ' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ỉ' | 'ị' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' | 'ồ' | 'ố' | 'ỗ' | 'ổ' | 'ộ'
        | 'ờ' | 'ớ' | 'ỡ' | 'ở' | 'ợ' | 'ỏ' | 'ọ' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ư' | 'ừ' | 'ứ' | 'ữ' | 'ử'
        | 'ự' | 'ủ' | 'ụ' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' | 'ỳ' | 'ỹ' | 'ỷ' | 'ỵ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => 's',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_accents_and_spacing() {
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("  José  María "), "jose maria");
        assert_eq!(
            fold("Castelnuovo di Garfagnana"),
            "castelnuovo di garfagnana"
        );
        assert_eq!(fold("Sant'Anna"), "sant anna");
    }
}
