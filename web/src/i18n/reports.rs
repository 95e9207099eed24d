//! Indicators' and dashboards' words. `(italiano, english)` by key.

/// The words of a key of this area, if it is one.
pub(super) fn word(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "nav.reports" => ("Indicatori", "Indicators"),
        "rep.title" => ("Indicatori del programma", "Programme indicators"),
        "rep.intro" => (
            "Le cifre per il monitoraggio del fondo FAMI: per il periodo scelto e dall'inizio del programma. Ogni persona è contata una volta sola per riga.",
            "The figures for the FAMI fund's monitoring: for the chosen period and since the programme began. Each person is counted once per line.",
        ),
        "rep.period" => ("Periodo", "Period"),
        "rep.choose_period" => ("Scegli un periodo…", "Choose a period…"),
        "rep.from" => ("Dal", "From"),
        "rep.to" => ("Al", "To"),
        "rep.municipality" => ("Comune", "Municipality"),
        "rep.province" => ("Tutta la provincia", "The whole province"),
        "rep.show" => ("Mostra", "Show"),
        "rep.bad_dates" => ("Indica le date del periodo (giorno, mese, anno).", "Give the period's dates (day, month, year)."),
        "rep.to_before_from" => ("La fine del periodo viene prima dell'inizio.", "The period ends before it starts."),
        "rep.downloads" => ("Scarica", "Download"),
        "rep.xlsx" => ("Scarica Excel (XLSX)", "Download Excel (XLSX)"),
        "rep.csv" => ("Scarica CSV", "Download CSV"),
        "rep.show_small" => (
            "Mostra anche i conteggi sotto 5 (solo per uso interno)",
            "Also show counts below 5 (internal use only)",
        ),
        "rep.downloaded" => ("File scaricato.", "File downloaded."),
        "rep.cumulative_since" => ("cumulato dal", "cumulative since"),
        "rep.indicator" => ("Indicatore", "Indicator"),
        "rep.in_period" => ("Nel periodo", "In the period"),
        "rep.cumulative" => ("Cumulato", "Cumulative"),
        "rep.details" => ("Dettaglio", "Breakdown"),
        "rep.line" => ("Voce", "Line"),
        "rep.unit_hours" => ("ore", "hours"),
        "rep.unit_minutes" => ("minuti", "minutes"),
        _ => return None,
    })
}
