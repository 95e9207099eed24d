//! Text folding used for search: case- and accent-insensitive matching on both databases.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower-cases and strips diacritics (`"Nguyễn"` → `"nguyen"`, `"Città"` → `"citta"`), keeping
/// letters, digits and single spaces. The same function runs when storing and when searching, so
/// a plain `LIKE` works the same on SQLite and PostgreSQL. Diacritics go by Unicode's canonical
/// decomposition (a letter and its combining marks), then the letters are composed again, so
/// scripts without a Latin base (Hangul, Arabic without its vowel marks) stay whole.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    let bare: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .flat_map(char::to_lowercase)
        .collect();
    for c in bare.chars().map(base_letter) {
        if c.is_alphanumeric() {
            out.push(c);
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

/// The few Latin letters that carry their mark inside them, so that no decomposition reaches it.
fn base_letter(c: char) -> char {
    match c {
        'ø' => 'o',
        'ł' | 'ŀ' => 'l',
        'đ' => 'd',
        'ħ' => 'h',
        'ŧ' => 't',
        'ı' => 'i',
        'ß' => 's',
        other => other,
    }
}

/// A cell's text made safe for spreadsheets: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is run as a formula by Excel and LibreOffice (a name `=1+1`, or worse
/// `=HYPERLINK(…)`), so it gets a `'` in front and stays text. Numbers are written as numbers,
/// not through here.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// A sound-alike form of one folded word, so that spelling variants of transliterated names meet:
/// `mohammed` and `mohamed` → `moamed`, `nguyen` → `nguien`. Drops `h` after the first letter,
/// maps `ph`→`f`, `y`→`i`, `k`/`q`→`c`, `w`→`v`, and collapses doubled letters.
pub fn phonetic(word: &str) -> String {
    let w = word.replace("ph", "f");
    let mut out = String::with_capacity(w.len());
    for (i, c) in w.chars().enumerate() {
        let c = match c {
            'h' if i > 0 => continue,
            'y' => 'i',
            'k' | 'q' => 'c',
            'w' => 'v',
            other => other,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// What a name search matches against: every folded word and its sound-alike form.
pub fn search_text(parts: &[&str]) -> String {
    let folded = fold(&parts.join(" "));
    let mut words: Vec<String> = Vec::new();
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        words.push(w.to_owned());
        words.push(phonetic(w));
    }
    format!(" {} ", words.join(" "))
}

/// A key equal for the same name whatever the case, accents, spaces and order of the names: the
/// sorted letters and digits of the folded full name.
pub fn name_key(first: &str, last: &str) -> String {
    let mut chars: Vec<char> = fold(&format!("{first} {last}"))
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    chars.sort_unstable();
    chars.into_iter().collect()
}

/// A key equal for transliteration and spelling variants of the same name, in any order:
/// `Mohamed Benali`, `Mohammed Benali` and `Benali Muhammad`; `Oleksandr`, `Olexandr` and
/// `Aleksandr`; `Nguyen` and `Nguyễn`; `Hossain` and `Hussain`. Each folded word keeps its
/// consonants, spelt one way (`x` → `ks`, `ph` → `f`, `k`/`q` → `c`, `w` → `v`, `z` → `s`),
/// with doubled ones once, and an initial vowel as a mark of its own; the vowels and `h` inside a
/// word, where transliterations differ most, are left out. Alone it matches too much; with the
/// same birth date it finds the duplicates that exact letters miss.
pub fn sound_key(first: &str, last: &str) -> String {
    let folded = fold(&format!("{first} {last}"));
    let mut words: Vec<String> = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(skeleton)
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// The consonant skeleton of one folded word (see [`sound_key`]); a word of fewer than two
/// consonants (Le, Thi, Hoa, Hue, Ali) is too short to lose its vowels, and keeps its
/// [`phonetic`] form.
fn skeleton(word: &str) -> String {
    let bare = consonants(word);
    if bare.chars().filter(|c| *c != '*').count() < 2 {
        phonetic(word)
    } else {
        bare
    }
}

fn consonants(word: &str) -> String {
    let spelt = word.replace('x', "ks").replace("ph", "f");
    let mut out = String::with_capacity(spelt.len());
    for (i, c) in spelt.chars().enumerate() {
        let c = match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' if i == 0 => '*',
            'h' if i == 0 => 'h',
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' => continue,
            'k' | 'q' => 'c',
            'w' => 'v',
            'z' => 's',
            other => other,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{fold, name_key, phonetic, search_text, sound_key, spreadsheet_safe};

    #[test]
    fn formulas_stay_text_in_spreadsheets() {
        for bad in [
            "=1+1",
            "+39 333",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        for good in ["Rossi", "", " =1", "1+1", "'x", "Ahmed-Khan"] {
            assert_eq!(spreadsheet_safe(good), good, "{good:?}");
        }
    }

    #[test]
    fn sound_alike_names_meet() {
        assert_eq!(phonetic("mohammed"), phonetic("mohamed"));
        assert_eq!(phonetic(&fold("Nguyễn")), phonetic("nguyen"));
        assert_eq!(name_key("Maria", "De Luca"), name_key("de luca", "MARÌA"));
        assert_eq!(
            name_key("Ana Maria", "Popescu"),
            name_key("Popescu", "Ana  Maria")
        );
        assert!(search_text(&["José", "García"]).contains(" jose "));
    }

    #[test]
    fn transliterations_of_one_name_share_a_sound_key() {
        let same = [
            (("Mohamed", "Benali"), ("Mohammed", "Benali")),
            (("Mohamed", "Benali"), ("Benali", "Muhammad")),
            (("Oleksandr", "Kovalenko"), ("Olexandr", "Kovalenko")),
            (("Oleksandr", "Kovalenko"), ("Aleksandr", "Kovalenko")),
            (("Van Minh", "Nguyen"), ("Van Minh", "Nguyễn")),
            (("Md", "Hossain"), ("Md", "Hussain")),
        ];
        for ((f1, l1), (f2, l2)) in same {
            assert_eq!(
                sound_key(f1, l1),
                sound_key(f2, l2),
                "{f1} {l1} / {f2} {l2}"
            );
        }
        let different = [
            (("Mohamed", "Benali"), ("Mehmet", "Benali")),
            (("Fatima", "Benali"), ("Mohamed", "Benali")),
            (("Amina", "Diallo"), ("Aminata", "Diallo")),
            (("Olena", "Melnyk"), ("Oleksandr", "Melnyk")),
            (("Hamid", "Benali"), ("Mohamed", "Benali")),
            (("Hassan", "Ahmed"), ("Sana", "Ahmed")),
            (("Le Thi", "Hoa"), ("Le Thi", "Hue")),
        ];
        for ((f1, l1), (f2, l2)) in different {
            assert_ne!(
                sound_key(f1, l1),
                sound_key(f2, l2),
                "{f1} {l1} / {f2} {l2}"
            );
        }
    }

    #[test]
    fn folds_what_has_no_latin_base_whole() {
        assert_eq!(fold("Łukasz Søren Đặng"), "lukasz soren dang");
        assert_eq!(fold("김민준"), "김민준");
        assert_eq!(fold("Straße"), "strase");
    }

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
