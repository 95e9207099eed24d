//! The worklist on the home page of desk staff: open cases (mine, unassigned) and what falls due.

use leptos::prelude::*;
use leptos_router::components::A;
use lumit_shared::case::{CasePage, DeadlineKind};

use crate::api;
use crate::components::{Empty, ErrorView, Loading};
use crate::i18n::{fmt_int, use_i18n};

const OPEN: &str = "open,in_progress,waiting_documents,waiting_office";

fn deadline_key(k: DeadlineKind) -> crate::i18n::Key {
    match k {
        DeadlineKind::PermitExpiry => k!("deadline.permit_expiry"),
        DeadlineKind::IntegrationCheck => k!("deadline.integration_check"),
        DeadlineKind::ReferralFollowUp => k!("deadline.referral_follow_up"),
    }
}

/// Counts of open cases and the deadlines of the next 60 days, with links to the work.
#[component]
pub fn Worklist() -> impl IntoView {
    let i = use_i18n();
    let counts = LocalResource::new(|| async {
        let mine: CasePage = api::cases::count("mine", OPEN).await?;
        let free: CasePage = api::cases::count("unassigned", OPEN).await?;
        Ok::<_, api::ApiError>((
            mine.total.unwrap_or_default(),
            free.total.unwrap_or_default(),
        ))
    });
    let deadlines = LocalResource::new(|| api::referrals::deadlines(60));
    let card = move |key: crate::i18n::Key, n: i64, href: &'static str| {
        view! {
            <div class="stat">
                <p class="stat-value">{move || fmt_int(i.lang.get(), n)}</p>
                <p class="stat-label"><A href=href>{move || i.t(key)}</A></p>
            </div>
        }
    };
    view! {
        <h2>{move || i.t(k!("work.title"))}</h2>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || counts.get().map(|r| match r {
                Ok((mine, free)) => view! {
                    <div class="stats">
                        {card(k!("work.mine"), mine, "/cases?assigned=mine")}
                        {card(k!("work.unassigned"), free, "/cases?assigned=unassigned")}
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| counts.refetch()) /> }.into_any(),
            })}
        </Suspense>
        <h2>{move || i.t(k!("work.deadlines"))}</h2>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || deadlines.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| deadlines.refetch()) /> }.into_any(),
                Ok(items) if items.is_empty() => view! { <Empty /> }.into_any(),
                Ok(items) => view! {
                    <table class="table">
                        <caption class="visually-hidden">{move || i.t(k!("work.deadlines"))}</caption>
                        <thead><tr>
                            <th scope="col">{move || i.t(k!("work.date"))}</th>
                            <th scope="col">{move || i.t(k!("work.what"))}</th>
                            <th scope="col">{move || i.t(k!("cases.person"))}</th>
                            <th scope="col">{move || i.t(k!("cases.reference"))}</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|d| view! {
                                <tr>
                                    <td>{d.date.format("%d/%m/%Y").to_string()}
                                        {d.overdue.then(|| view! { <span class="badge badge-danger">{move || i.t(k!("work.overdue"))}</span> })}</td>
                                    <td>{move || i.t(deadline_key(d.kind))}</td>
                                    <td>{d.person_name.clone()}</td>
                                    <td>{match (d.case_id.clone(), d.case_reference.clone()) {
                                        (Some(id), Some(r)) => view! { <A href=format!("/cases/{id}")>{r}</A> }.into_any(),
                                        _ => view! { <span>"—"</span> }.into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Suspense>
    }
}
