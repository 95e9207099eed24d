//! Certificates of attendance: on the course page, the list with each PDF and the button that
//! issues them once the course is over; at `/attestati`, the public check of a code.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::fmt_hours;
use crate::api::{self, ApiError};
use crate::components::{error_message, FormStatus, Loading, PdfButton, TextField};
use crate::i18n::use_i18n;
use crate::pages::requests::fmt_date;

/// The course's certificates, and (for planners) the button that issues the missing ones.
#[component]
pub fn Certificates(course_id: String, changed: RwSignal<u32>, can_issue: bool) -> impl IntoView {
    let i = use_i18n();
    let path = course_id.clone();
    let list = {
        let path = path.clone();
        LocalResource::new(move || {
            changed.track();
            let path = path.clone();
            async move { api::training::certificates(&path).await }
        })
    };
    let err = RwSignal::new(None::<ApiError>);
    let issued = RwSignal::new(None::<usize>);
    let busy = RwSignal::new(false);
    let issue = move |_| {
        let path = path.clone();
        busy.set(true);
        spawn_local(async move {
            match api::training::issue_certificates(&path).await {
                Ok(all) => {
                    err.set(None);
                    issued.set(Some(all.len()));
                    changed.update(|n| *n += 1);
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let problem = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                if e.code() == Some("course_not_over") {
                    i.t(k!("cert.not_over")).to_owned()
                } else {
                    error_message(i.lang.get(), e)
                }
            })
        })
    });
    let ok = Signal::derive(move || {
        issued
            .get()
            .map(|n| format!("{} {n}", i.t(k!("cert.issued_now"))))
    });
    view! {
        <section aria-labelledby="certificates-title">
            <h2 id="certificates-title">{move || i.t(k!("cert.title"))}</h2>
            <FormStatus error=problem ok=ok />
            {can_issue.then(|| view! {
                <p class="hint">{move || i.t(k!("cert.issue_hint"))}</p>
                <button type="button" class="btn" on:click=issue disabled=move || busy.get()>
                    {move || i.t(k!("cert.issue"))}
                </button>
            })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <crate::components::ErrorView error=e /> }.into_any(),
                    Ok(all) if all.is_empty() => view! { <p>{move || i.t(k!("cert.none"))}</p> }.into_any(),
                    Ok(all) => view! {
                        <table class="table" id="certificates">
                            <caption class="visually-hidden">{move || i.t(k!("cert.title"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("tr.full_name"))}</th>
                                <th scope="col" class="num">{move || i.t(k!("tr.hours_attended"))}</th>
                                <th scope="col">{move || i.t(k!("cert.code"))}</th>
                                <th scope="col">{move || i.t(k!("cert.issued_on"))}</th>
                                <th scope="col"><span class="visually-hidden">{move || i.t(k!("cert.download"))}</span></th>
                            </tr></thead>
                            <tbody>
                                {all.into_iter().map(|c| {
                                    let name = c.full_name.clone();
                                    view! {
                                        <tr>
                                            <td>{c.full_name.clone()}</td>
                                            <td class="num">{move || fmt_hours(i.lang.get(), c.attended_minutes)}</td>
                                            <td><code>{c.code.clone()}</code></td>
                                            <td>{fmt_date(c.issued_at.date())}</td>
                                            <td><PdfButton path=api::training::certificate_pdf(&c.id)
                                                filename=format!("attestato-{}.pdf", c.code)
                                                label=Signal::derive(move || format!("{} – {name}", i.t(k!("cert.download")))) /></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The public page where anyone checks a certificate's code: initials, course and hours.
#[component]
pub fn CheckPage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let navigate = use_navigate();
    let initial = params.with_untracked(|p| p.get("code").unwrap_or_default());
    let code = RwSignal::new(initial);
    let typed_error = RwSignal::new(None::<String>);
    // The code in the address is the one checked: the page can be bookmarked or linked.
    let result = LocalResource::new(move || {
        let code = params.with(|p| p.get("code").unwrap_or_default());
        async move {
            if code.is_empty() {
                return None;
            }
            Some(api::training::check_certificate(&code).await)
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        match lumit_shared::training::CertificateCode::parse(&typed) {
            Ok(c) => {
                typed_error.set(None);
                navigate(&format!("/attestati/{}", c.as_str()), Default::default());
            }
            Err(_) => typed_error.set(Some(i.t(k!("cert.bad_code")).to_owned())),
        }
    };
    view! {
        <main id="main" class="login-page">
            <div class="login-card">
                <p class="brand-name">"LUMIT"</p>
                <h1 tabindex="-1">{move || i.t(k!("cert.check_title"))}</h1>
                <p class="hint">{move || i.t(k!("cert.check_hint"))}</p>
                <form on:submit=submit novalidate>
                    <TextField id="code" label=k!("cert.code") value=code required=true
                        error=Signal::derive(move || typed_error.get()) hint=k!("cert.code_hint") />
                    <button type="submit" class="btn btn-primary">{move || i.t(k!("cert.check"))}</button>
                </form>
                <div>
                    <Suspense fallback=|| view! { <Loading /> }>
                        {move || result.get().flatten().map(|r| match r {
                            Ok(c) => view! {
                                <div class="alert alert-ok" role="status">
                                    <p><strong>{move || i.t(k!("cert.valid"))}</strong></p>
                                    <dl class="facts">
                                        <div><dt>{move || i.t(k!("cert.code"))}</dt><dd>{c.code.clone()}</dd></div>
                                        <div><dt>{move || i.t(k!("cert.initials"))}</dt><dd>{c.initials.clone()}</dd></div>
                                        <div><dt>{move || i.t(k!("cert.course"))}</dt><dd>{c.course_title.clone()}</dd></div>
                                        <div><dt>{move || i.t(k!("tr.hours_attended"))}</dt><dd>{move || fmt_hours(i.lang.get(), c.attended_minutes)}</dd></div>
                                    </dl>
                                </div>
                            }.into_any(),
                            Err(e) => {
                                let key = if e.status() == Some(404) { Some(k!("cert.unknown")) } else if e.field("code").is_some() { Some(k!("cert.bad_code")) } else { None };
                                let text = key.map_or_else(|| error_message(i.lang.get_untracked(), &e), |k| i.t(k).to_owned());
                                view! { <p class="alert alert-error" role="alert">{text}</p> }.into_any()
                            }
                        })}
                    </Suspense>
                </div>
            </div>
        </main>
    }
}
