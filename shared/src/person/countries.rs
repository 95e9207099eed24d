//! Countries by ISO 3166-1 alpha-2 code with their Italian names (the English ones come from
//! `isocountry`), for the pickers of citizenship and country of birth and wherever a code is
//! shown. No crate of the registry carries the Italian names; these follow the ISTAT list.

/// `(code, Italian name)` for every ISO 3166-1 country, in code order.
pub const COUNTRIES_IT: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "Emirati Arabi Uniti"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua e Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antartide"),
    ("AR", "Argentina"),
    ("AS", "Samoa Americane"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Isole Åland"),
    ("AZ", "Azerbaigian"),
    ("BA", "Bosnia-Erzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgio"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrein"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint-Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Isole BES"),
    ("BR", "Brasile"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Isola Bouvet"),
    ("BW", "Botswana"),
    ("BY", "Bielorussia"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Isole Cocos (Keeling)"),
    ("CD", "Repubblica Democratica del Congo"),
    ("CF", "Repubblica Centrafricana"),
    ("CG", "Congo"),
    ("CH", "Svizzera"),
    ("CI", "Costa d'Avorio"),
    ("CK", "Isole Cook"),
    ("CL", "Cile"),
    ("CM", "Camerun"),
    ("CN", "Cina"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Capo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Isola di Natale"),
    ("CY", "Cipro"),
    ("CZ", "Repubblica Ceca"),
    ("DE", "Germania"),
    ("DJ", "Gibuti"),
    ("DK", "Danimarca"),
    ("DM", "Dominica"),
    ("DO", "Repubblica Dominicana"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egitto"),
    ("EH", "Sahara Occidentale"),
    ("ER", "Eritrea"),
    ("ES", "Spagna"),
    ("ET", "Etiopia"),
    ("FI", "Finlandia"),
    ("FJ", "Figi"),
    ("FK", "Isole Falkland"),
    ("FM", "Micronesia"),
    ("FO", "Isole Fær Øer"),
    ("FR", "Francia"),
    ("GA", "Gabon"),
    ("GB", "Regno Unito"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "Guyana francese"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibilterra"),
    ("GL", "Groenlandia"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadalupa"),
    ("GQ", "Guinea Equatoriale"),
    ("GR", "Grecia"),
    ("GS", "Georgia del Sud e Isole Sandwich Australi"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Isole Heard e McDonald"),
    ("HN", "Honduras"),
    ("HR", "Croazia"),
    ("HT", "Haiti"),
    ("HU", "Ungheria"),
    ("ID", "Indonesia"),
    ("IE", "Irlanda"),
    ("IL", "Israele"),
    ("IM", "Isola di Man"),
    ("IN", "India"),
    ("IO", "Territorio britannico dell'Oceano Indiano"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Islanda"),
    ("IT", "Italia"),
    ("JE", "Jersey"),
    ("JM", "Giamaica"),
    ("JO", "Giordania"),
    ("JP", "Giappone"),
    ("KE", "Kenya"),
    ("KG", "Kirghizistan"),
    ("KH", "Cambogia"),
    ("KI", "Kiribati"),
    ("KM", "Comore"),
    ("KN", "Saint Kitts e Nevis"),
    ("KP", "Corea del Nord"),
    ("KR", "Corea del Sud"),
    ("KW", "Kuwait"),
    ("KY", "Isole Cayman"),
    ("KZ", "Kazakistan"),
    ("LA", "Laos"),
    ("LB", "Libano"),
    ("LC", "Santa Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lituania"),
    ("LU", "Lussemburgo"),
    ("LV", "Lettonia"),
    ("LY", "Libia"),
    ("MA", "Marocco"),
    ("MC", "Monaco"),
    ("MD", "Moldavia"),
    ("ME", "Montenegro"),
    ("MF", "Saint-Martin"),
    ("MG", "Madagascar"),
    ("MH", "Isole Marshall"),
    ("MK", "Macedonia del Nord"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Isole Marianne Settentrionali"),
    ("MQ", "Martinica"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldive"),
    ("MW", "Malawi"),
    ("MX", "Messico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambico"),
    ("NA", "Namibia"),
    ("NC", "Nuova Caledonia"),
    ("NE", "Niger"),
    ("NF", "Isola Norfolk"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Paesi Bassi"),
    ("NO", "Norvegia"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "Nuova Zelanda"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Perù"),
    ("PF", "Polinesia francese"),
    ("PG", "Papua Nuova Guinea"),
    ("PH", "Filippine"),
    ("PK", "Pakistan"),
    ("PL", "Polonia"),
    ("PM", "Saint-Pierre e Miquelon"),
    ("PN", "Isole Pitcairn"),
    ("PR", "Porto Rico"),
    ("PS", "Palestina"),
    ("PT", "Portogallo"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Riunione"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Ruanda"),
    ("SA", "Arabia Saudita"),
    ("SB", "Isole Salomone"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Svezia"),
    ("SG", "Singapore"),
    ("SH", "Sant'Elena, Ascensione e Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard e Jan Mayen"),
    ("SK", "Slovacchia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "Sud Sudan"),
    ("ST", "São Tomé e Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Siria"),
    ("SZ", "Eswatini"),
    ("TC", "Isole Turks e Caicos"),
    ("TD", "Ciad"),
    ("TF", "Terre australi e antartiche francesi"),
    ("TG", "Togo"),
    ("TH", "Thailandia"),
    ("TJ", "Tagikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor Est"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Turchia"),
    ("TT", "Trinidad e Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ucraina"),
    ("UG", "Uganda"),
    ("UM", "Isole minori esterne degli Stati Uniti"),
    ("US", "Stati Uniti d'America"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Città del Vaticano"),
    ("VC", "Saint Vincent e Grenadine"),
    ("VE", "Venezuela"),
    ("VG", "Isole Vergini britanniche"),
    ("VI", "Isole Vergini americane"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis e Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "Sudafrica"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// A country's name from its ISO 3166-1 code (alpha-2 or alpha-3, any case): Italian or English.
pub fn country_name_in(code: &str, italian: bool) -> Option<String> {
    let up = code.trim().to_ascii_uppercase();
    let c = match up.len() {
        2 => isocountry::CountryCode::for_alpha2(&up).ok()?,
        3 => isocountry::CountryCode::for_alpha3(&up).ok()?,
        _ => return None,
    };
    if !italian {
        return Some(c.name().to_owned());
    }
    let a2 = c.alpha2();
    COUNTRIES_IT
        .binary_search_by(|(k, _)| k.cmp(&a2))
        .ok()
        .map(|i| COUNTRIES_IT[i].1.to_owned())
}

/// Every country as `(alpha-2 code, name)`, sorted by name in the language.
pub fn countries(italian: bool) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = COUNTRIES_IT
        .iter()
        .map(|(code, it)| {
            let name = if italian {
                (*it).to_owned()
            } else {
                country_name_in(code, false).unwrap_or_else(|| (*it).to_owned())
            };
            (*code, name)
        })
        .collect();
    out.sort_by_key(|(_, name)| crate::text::fold(name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_iso_country_has_one_italian_name_in_code_order() {
        let codes: Vec<&str> = COUNTRIES_IT.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "in code order, once each");
        let mut iso: Vec<&str> = isocountry::CountryCode::iter()
            .map(|c| c.alpha2())
            .collect();
        iso.sort_unstable();
        assert_eq!(codes, iso, "the same countries as ISO 3166-1");
    }

    #[test]
    fn names_follow_the_language_from_either_code() {
        assert_eq!(country_name_in("ma", true).as_deref(), Some("Marocco"));
        assert_eq!(
            country_name_in("USA", true).as_deref(),
            Some("Stati Uniti d'America")
        );
        assert_eq!(country_name_in("MA", false).as_deref(), Some("Morocco"));
        assert_eq!(country_name_in("ZZ", true), None);
        let it = countries(true);
        assert_eq!(it.first().map(|c| c.0), Some("AF"), "Afghanistan first");
        let pos = |code: &str| it.iter().position(|c| c.0 == code).unwrap();
        assert!(pos("MA") < pos("SN"), "Marocco before Senegal");
    }
}
