//! A mediator's availability: weekly windows and dated absences, edited as rows and replaced as a
//! whole. Used on the mediator's page (coordinators) and on "my jobs" (the mediator).

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::mediation::{Availability, AvailabilityException, WeeklyWindow};
use lumit_shared::FieldError;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, has_field, row_errors, DayInput, ErrorView, FormStatus, Loading,
};
use crate::i18n::{text, use_i18n};

/// ISO weekday (1 Monday … 7 Sunday) and its text key.
pub const WEEKDAYS: &[(u8, crate::i18n::Key)] = &[
    (1, k!("day.monday")),
    (2, k!("day.tuesday")),
    (3, k!("day.wednesday")),
    (4, k!("day.thursday")),
    (5, k!("day.friday")),
    (6, k!("day.saturday")),
    (7, k!("day.sunday")),
];

/// One editable weekly window.
#[derive(Clone)]
struct WindowRow {
    key: usize,
    weekday: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
}

/// One editable absence.
#[derive(Clone)]
struct AbsenceRow {
    key: usize,
    from: RwSignal<String>,
    to: RwSignal<String>,
    reason: RwSignal<String>,
}

/// Loads and edits the availability of a mediator.
#[component]
pub fn AvailabilityEditor(
    /// The mediator.
    mediator_id: String,
    /// Heading key.
    #[prop(default = k!("avail.title"))]
    title: crate::i18n::Key,
) -> impl IntoView {
    let i = use_i18n();
    let path = mediator_id.clone();
    let data = LocalResource::new({
        let path = path.clone();
        move || {
            let path = path.clone();
            async move { api::mediators::availability(&path).await }
        }
    });
    view! {
        <section aria-labelledby="availability-title">
            <h2 id="availability-title">{move || i.t(title)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Ok(a) => view! { <AvailabilityForm path=path.clone() initial=a /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AvailabilityForm(path: String, initial: Availability) -> impl IntoView {
    let i = use_i18n();
    let next_key = StoredValue::new(0usize);
    let key = move || {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        k
    };
    let new_window = move |d: u8, a: &str, b: &str| WindowRow {
        key: key(),
        weekday: RwSignal::new(d.to_string()),
        start: RwSignal::new(a.into()),
        end: RwSignal::new(b.into()),
    };
    let new_absence = move |a: String, b: String, r: String| AbsenceRow {
        key: key(),
        from: RwSignal::new(a),
        to: RwSignal::new(b),
        reason: RwSignal::new(r),
    };
    let windows = RwSignal::new(
        initial
            .weekly
            .iter()
            // Typed as the desks say it: a window to midnight ends at 24:00.
            .map(|w| new_window(w.weekday, &w.start, &w.end))
            .collect::<Vec<_>>(),
    );
    let absences = RwSignal::new(
        initial
            .exceptions
            .iter()
            .map(|x| {
                new_absence(
                    x.from.to_string(),
                    x.to.to_string(),
                    x.reason.clone().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let err = RwSignal::new(None::<ApiError>);
    let ok = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ok.set(None);
        let mut local = Vec::new();
        let weekly: Vec<WeeklyWindow> = windows
            .get_untracked()
            .iter()
            .map(|w| WeeklyWindow {
                weekday: w.weekday.get_untracked().parse().unwrap_or(0),
                start: w.start.get_untracked().trim().to_owned(),
                end: w.end.get_untracked().trim().to_owned(),
            })
            .collect();
        let mut exceptions = Vec::new();
        for (n, x) in absences.get_untracked().iter().enumerate() {
            let day = |v: RwSignal<String>, f: &str, local: &mut Vec<FieldError>| {
                let t = v.get_untracked();
                let d = chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
                if d.is_none() {
                    let code = if t.trim().is_empty() {
                        "required"
                    } else {
                        "invalid_date"
                    };
                    local.push(FieldError::new(
                        format!("exceptions[{n}].{f}"),
                        code,
                        "date",
                    ));
                }
                d
            };
            let from = day(x.from, "from", &mut local);
            let to = day(x.to, "to", &mut local);
            if let (Some(from), Some(to)) = (from, to) {
                exceptions.push(AvailabilityException {
                    from,
                    to,
                    reason: Some(x.reason.get_untracked().trim().to_owned())
                        .filter(|r| !r.is_empty()),
                });
            }
        }
        let body = Availability { weekly, exceptions };
        // Positions of the absences sent differ from the rows' only when a date is missing, and
        // then the request is not sent.
        if local.is_empty() {
            if let Err(errors) = body.parse() {
                local.extend(errors);
            }
        }
        if !local.is_empty() {
            err.set(Some(ApiError::invalid(local)));
            return;
        }
        busy.set(true);
        let path = path.clone();
        spawn_local(async move {
            match api::mediators::set_availability(&path, &body).await {
                Ok(()) => {
                    err.set(None);
                    ok.set(Some(i.t(k!("avail.saved")).to_owned()));
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let numbered_windows = move || windows.get().into_iter().enumerate().collect::<Vec<_>>();
    let numbered_absences = move || absences.get().into_iter().enumerate().collect::<Vec<_>>();
    let invalid = move |f: String| {
        move || {
            if err.with(|e| has_field(e, &f)) {
                "true"
            } else {
                "false"
            }
        }
    };
    view! {
        <form class="form" novalidate on:submit=submit>
            <FormStatus error=form_error ok=Signal::derive(move || ok.get()) />
            <fieldset class="hours">
                <legend>{move || i.t(k!("avail.weekly"))}</legend>
                <p class="hint">{move || i.t(k!("avail.weekly_hint"))}</p>
                <For
                    each=numbered_windows
                    key=|item| (item.0, item.1.key)
                    children=move |(idx, w): (usize, WindowRow)| {
                        let k = w.key;
                        let n = idx + 1;
                        let err_id = format!("win-{k}-error");
                        let field = format!("weekly[{idx}]");
                        view! {
                            <div class="slot" role="group" aria-label=move || format!("{} {n}", i.t(k!("avail.window")))>
                                <label for=format!("win-{k}-day")>{move || i.t(k!("desk.day"))}</label>
                                <select id=format!("win-{k}-day") aria-describedby=err_id.clone() aria-invalid=invalid(format!("{field}.weekday"))
                                    on:change=move |ev| w.weekday.set(event_target_value(&ev))>
                                    {move || WEEKDAYS.iter().map(|(d, key)| {
                                        let v = d.to_string();
                                        let sel = w.weekday.get_untracked() == v;
                                        view! { <option value=v selected=sel>{text(i.lang.get(), *key)}</option> }
                                    }).collect_view()}
                                </select>
                                <label for=format!("win-{k}-start")>{move || i.t(k!("desk.from"))}</label>
                                <input id=format!("win-{k}-start") type="text" inputmode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]|24:00" placeholder="hh:mm" autocomplete="off" aria-describedby=err_id.clone() aria-invalid=invalid(format!("{field}.start"))
                                    prop:value=move || w.start.get() on:input=move |ev| w.start.set(event_target_value(&ev)) />
                                <label for=format!("win-{k}-end")>{move || i.t(k!("desk.to"))}</label>
                                <input id=format!("win-{k}-end") type="text" inputmode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]|24:00" placeholder="hh:mm" autocomplete="off" aria-describedby=err_id.clone() aria-invalid=invalid(format!("{field}.end"))
                                    prop:value=move || w.end.get() on:input=move |ev| w.end.set(event_target_value(&ev)) />
                                <button type="button" class="btn btn-ghost" aria-label=move || format!("{} {} {n}", i.t(k!("avail.remove")), i.t(k!("avail.window")))
                                    on:click=move |_| windows.update(|v| v.retain(|x| x.key != k))>
                                    {move || i.t(k!("avail.remove"))}
                                </button>
                                <p class="error" id=err_id role="alert">{
                                    let field = field.clone();
                                    move || err.with(|e| row_errors(i.lang.get(), e, &field))
                                }</p>
                            </div>
                        }
                    }
                />
                <button type="button" class="btn" on:click=move |_| windows.update(|v| v.push(new_window(1, "09:00", "13:00")))>
                    {move || i.t(k!("avail.add_window"))}
                </button>
            </fieldset>
            <fieldset class="hours">
                <legend>{move || i.t(k!("avail.exceptions"))}</legend>
                <p class="hint">{move || i.t(k!("avail.exceptions_hint"))}</p>
                <For
                    each=numbered_absences
                    key=|item| (item.0, item.1.key)
                    children=move |(idx, x): (usize, AbsenceRow)| {
                        let k = x.key;
                        let n = idx + 1;
                        let err_id = format!("abs-{k}-error");
                        let field = format!("exceptions[{idx}]");
                        view! {
                            <div class="slot" role="group" aria-label=move || format!("{} {n}", i.t(k!("avail.absence")))>
                                <label for=format!("abs-{k}-from")>{move || i.t(k!("avail.from_day"))}</label>
                                <DayInput id=format!("abs-{k}-from") value=x.from described=Signal::derive({ let e = err_id.clone(); move || Some(e.clone()) })
                                    invalid=Signal::derive({ let f = format!("{field}.from"); move || err.with(|e| has_field(e, &f)) }) />
                                <label for=format!("abs-{k}-to")>{move || i.t(k!("avail.to_day"))}</label>
                                <DayInput id=format!("abs-{k}-to") value=x.to described=Signal::derive({ let e = err_id.clone(); move || Some(e.clone()) })
                                    invalid=Signal::derive({ let f = format!("{field}.to"); move || err.with(|e| has_field(e, &f)) }) />
                                <label for=format!("abs-{k}-reason")>{move || i.t(k!("avail.reason"))}</label>
                                <input id=format!("abs-{k}-reason") type="text" aria-describedby=err_id.clone() aria-invalid=invalid(format!("{field}.reason"))
                                    prop:value=move || x.reason.get() on:input=move |ev| x.reason.set(event_target_value(&ev)) />
                                <button type="button" class="btn btn-ghost" aria-label=move || format!("{} {} {n}", i.t(k!("avail.remove")), i.t(k!("avail.absence")))
                                    on:click=move |_| absences.update(|v| v.retain(|r| r.key != k))>
                                    {move || i.t(k!("avail.remove"))}
                                </button>
                                <p class="error" id=err_id role="alert">{
                                    let field = field.clone();
                                    move || err.with(|e| row_errors(i.lang.get(), e, &field))
                                }</p>
                            </div>
                        }
                    }
                />
                <button type="button" class="btn" on:click=move |_| absences.update(|v| v.push(new_absence(String::new(), String::new(), String::new())))>
                    {move || i.t(k!("avail.add_absence"))}
                </button>
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("avail.save")) }}</button>
        </form>
    }
}
