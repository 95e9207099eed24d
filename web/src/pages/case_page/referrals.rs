//! A case's referrals to other offices and their answers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::case::{NewReferral, OfficeKind, Referral, ReferralAnswer};

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, DateField, Empty, FormStatus, SelectField, TextField,
};
use crate::i18n::{text, use_i18n};

use super::*;

/// Referrals to other offices: the list, the answer when it comes, a new referral.
#[component]
pub(super) fn Referrals(
    case_id: String,
    referrals: Vec<Referral>,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let office = RwSignal::new("questura".to_owned());
    let reason = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    // chrono has no clock on wasm32: ask the browser.
    let now = js_sys::Date::new_0();
    let today = chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default();
    let submit = {
        let case_id = case_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = NewReferral {
                office_kind: OfficeKind::parse(&office.get_untracked())
                    .unwrap_or(OfficeKind::Other),
                target_municipality_id: None,
                reason: reason.get_untracked(),
                follow_up_date: chrono::NaiveDate::parse_from_str(
                    &follow_up.get_untracked(),
                    "%Y-%m-%d",
                )
                .ok(),
            };
            let id = case_id.clone();
            spawn_local(async move {
                match api::referrals::create(&id, &body).await {
                    Ok(_) => {
                        err.set(None);
                        reason.set(String::new());
                        follow_up.set(String::new());
                        reload.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let offices = Signal::derive(move || {
        let lang = i.lang.get();
        OfficeKind::ALL
            .iter()
            .map(|o| (o.as_str().to_owned(), text(lang, office_key(*o)).to_owned()))
            .collect()
    });
    let msg =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <section aria-labelledby="referrals-title">
            <h2 id="referrals-title">{move || i.t(k!("cases.referrals"))}</h2>
            {if referrals.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ul class="rows">
                    {referrals.into_iter().map(|r| {
                        let overdue = r.answer.is_none() && r.follow_up_date.is_some_and(|d| d < today);
                        let follow = r.follow_up_date.map(|d| d.format("%d/%m/%Y").to_string());
                        let answered = r.answer.clone();
                        view! {
                            <li>
                                <p>
                                    <strong>{move || i.t(office_key(r.office_kind))}</strong> " · " {r.reason.clone()}
                                    {follow.map(|f| view! { " · " {move || i.t(k!("cases.follow_up"))} " " {f.clone()} })}
                                    {overdue.then(|| view! { " " <span class="badge badge-danger">{move || i.t(k!("cases.overdue"))}</span> })}
                                </p>
                                {match answered {
                                    Some(a) => view! { <p><em>{move || i.t(k!("cases.answer"))}</em> ": " {a}</p> }.into_any(),
                                    None => view! { <AnswerForm case_id=case_id.clone() referral_id=r.id.clone() reload=reload /> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any() }}
            <form class="form" on:submit=submit novalidate aria-labelledby="new-referral-title">
                <h3 id="new-referral-title">{move || i.t(k!("cases.new_referral"))}</h3>
                <FormStatus error=msg />
                <SelectField id="office_kind" label=k!("cases.office") value=office options=offices />
                <TextField id="referral_reason" label=k!("cases.reason") value=reason error=field_error(err, "reason") required=true />
                <DateField id="follow_up_date" label=k!("cases.follow_up") value=follow_up error=field_error(err, "follow_up_date") />
                <button type="submit" class="btn btn-primary">{move || i.t(k!("cases.refer"))}</button>
            </form>
        </section>
    }
}

/// Records what the office answered.
#[component]
pub(super) fn AnswerForm(
    case_id: String,
    referral_id: String,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let answer = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let field_id = format!("answer-{referral_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ReferralAnswer {
            answer: answer.get_untracked(),
        };
        let (case_id, referral_id) = (case_id.clone(), referral_id.clone());
        spawn_local(async move {
            match api::referrals::answer(&case_id, &referral_id, &body).await {
                Ok(_) => {
                    err.set(None);
                    reload.run(());
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                e.field("answer").map_or_else(
                    || error_message(i.lang.get(), e),
                    |f| crate::components::field_text(i.lang.get(), f),
                )
            })
        })
    });
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <label for=field_id.clone()>{move || i.t(k!("cases.answer"))}</label>
            <input id=field_id.clone() type="text" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev)) />
            <button type="submit" class="btn">{move || i.t(k!("cases.record_answer"))}</button>
            <p class="error" role="alert">{move || msg.get()}</p>
        </form>
    }
}
