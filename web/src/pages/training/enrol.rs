//! Who is enrolled in a course: places, the waiting list in order, withdrawals; and the form to
//! enrol a colleague (officers: the staff of their own municipalities).

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::permission::Action;
use lumit_shared::training::{Enrolment, EnrolmentStatus, MessageLanguage, NewEnrolment};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, FormStatus, SelectField, TextField};
use crate::i18n::{text, use_i18n};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::session::use_session;

fn status_key(s: EnrolmentStatus) -> crate::i18n::Key {
    match s {
        EnrolmentStatus::Enrolled => k!("tr.status.enrolled"),
        EnrolmentStatus::Waiting => k!("tr.status.waiting"),
        EnrolmentStatus::Withdrawn => k!("tr.status.withdrawn"),
    }
}

/// The enrolments of a course and, for those who may, the enrolment form.
#[component]
pub fn Enrolments(course_id: String, changed: RwSignal<u32>) -> impl IntoView {
    let i = use_i18n();
    let list = {
        let course_id = course_id.clone();
        LocalResource::new(move || {
            changed.track();
            let course_id = course_id.clone();
            async move { api::training::enrolments(&course_id).await }
        })
    };
    let municipalities = LocalResource::new(all_municipalities);
    let works_for = move |e: &Enrolment| {
        e.participant
            .municipality_id
            .as_ref()
            .and_then(|m| {
                municipalities
                    .get()
                    .and_then(|r| r.ok())
                    .and_then(|all| all.into_iter().find(|x| &x.id == m).map(|x| x.name))
            })
            .or_else(|| e.participant.organisation.clone())
            .unwrap_or_default()
    };
    let enrols = super::may(Action::EnrolParticipants);
    // Read once: inside the list's closure it would track the session, and the list would be
    // drawn again (from values already gone) while the page is taken down at logout.
    let can_withdraw = untrack(enrols);
    let can_anonymise = untrack(super::may(Action::AnonymisePeople));
    let done = RwSignal::new(None::<crate::i18n::Key>);
    let err = RwSignal::new(None::<ApiError>);
    let withdraw = move |id: String| {
        if !web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(text(i.lang.get_untracked(), k!("tr.withdraw_confirm")))
                    .ok()
            })
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match api::training::withdraw(&id).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let anonymise = move |participant: String| {
        if !web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(text(i.lang.get_untracked(), k!("tr.anonymise_confirm")))
                    .ok()
            })
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match api::training::anonymise_participant(&participant).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="enrolments-title">
            <h2 id="enrolments-title">{move || i.t(k!("tr.enrolments"))}</h2>
            <p class="alert alert-ok" role="status" hidden=move || done.get().is_none()>{move || done.get().map(|k| i.t(k))}</p>
            {move || err.get().map(|e| view! { <p class="alert alert-error" role="alert">{error_message(i.lang.get(), &e)}</p> })}
            <Suspense fallback=|| view! { <crate::components::Loading /> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <crate::components::ErrorView error=e /> }.into_any(),
                    Ok(v) if v.is_empty() => view! { <p>{move || i.t(k!("tr.no_enrolments"))}</p> }.into_any(),
                    Ok(v) => view! {
                        <table class="table" id="enrolments">
                            <caption class="visually-hidden">{move || i.t(k!("tr.enrolments"))}</caption>
                            <thead><tr>
                                <th scope="col">{move || i.t(k!("tr.full_name"))}</th>
                                <th scope="col">{move || i.t(k!("tr.works_for"))}</th>
                                <th scope="col">{move || i.t(k!("tr.job_title"))}</th>
                                <th scope="col">{move || i.t(k!("tr.status"))}</th>
                                <th scope="col"><span class="visually-hidden">{move || i.t(k!("tr.actions"))}</span></th>
                            </tr></thead>
                            <tbody>
                                {v.into_iter().map(|e| {
                                    let place = works_for(&e);
                                    let name = e.participant.full_name.clone();
                                    let id = e.id.clone();
                                    let participant = e.participant.id.clone();
                                    let name2 = name.clone();
                                    let active = e.status != EnrolmentStatus::Withdrawn;
                                    view! {
                                        <tr>
                                            <td>{e.participant.full_name.clone()}</td>
                                            <td>{place}</td>
                                            <td>{e.participant.job_title.clone().unwrap_or_default()}</td>
                                            <td>{move || match e.waiting_position {
                                                Some(p) => format!("{} ({} {p})", i.t(status_key(e.status)), i.t(k!("tr.position")).to_lowercase()),
                                                None => i.t(status_key(e.status)).to_owned(),
                                            }}</td>
                                            <td>{(active && can_withdraw).then(|| view! {
                                                <button type="button" class="btn btn-ghost"
                                                    aria-label=move || format!("{}: {name}", i.t(k!("tr.withdraw")))
                                                    on:click=move |_| withdraw(id.clone())>{move || i.t(k!("tr.withdraw"))}</button>
                                            })}
                                            {can_anonymise.then(|| view! {
                                                <button type="button" class="btn btn-ghost"
                                                    aria-label=move || format!("{}: {name2}", i.t(k!("tr.anonymise")))
                                                    on:click=move |_| anonymise(participant.clone())>{move || i.t(k!("tr.anonymise"))}</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
            <Show when=enrols>
                <EnrolForm course_id=course_id.clone() changed=changed done=done />
            </Show>
        </section>
    }
}

#[component]
fn EnrolForm(
    course_id: String,
    changed: RwSignal<u32>,
    done: RwSignal<Option<crate::i18n::Key>>,
) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let officer = s.is(&[Role::MunicipalOfficer]);
    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let organisation = RwSignal::new(String::new());
    let job_title = RwSignal::new(String::new());
    let language = RwSignal::new("it".to_owned());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let all = LocalResource::new(all_municipalities);
    let options = Signal::derive(move || {
        let mut v = vec![(String::new(), i.t(k!("tr.choose_office")).to_owned())];
        let all = all.get().and_then(|r| r.ok());
        // The account's municipalities don't change on this page; not tracking the session
        // keeps this list from being read again while the page is taken down at logout.
        v.extend(untrack(|| my_municipalities(s, all)));
        v
    });
    let languages = Signal::derive(move || {
        let lang = i.lang.get();
        vec![
            ("it".to_owned(), text(lang, k!("tr.lang.it")).to_owned()),
            ("en".to_owned(), text(lang, k!("tr.lang.en")).to_owned()),
        ]
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let opt = |v: RwSignal<String>| {
            Some(v.get_untracked().trim().to_owned()).filter(|t| !t.is_empty())
        };
        let body = NewEnrolment {
            full_name: full_name.get_untracked(),
            email: email.get_untracked(),
            municipality_id: opt(municipality),
            organisation: opt(organisation),
            job_title: opt(job_title),
            language: Some(if language.get_untracked() == "en" {
                MessageLanguage::En
            } else {
                MessageLanguage::It
            }),
        };
        busy.set(true);
        done.set(None);
        let course_id = course_id.clone();
        spawn_local(async move {
            match api::training::enrol(&course_id, &body).await {
                Ok(e) => {
                    err.set(None);
                    done.set(Some(if e.status == EnrolmentStatus::Waiting {
                        k!("tr.waiting_done")
                    } else {
                        k!("tr.enrolled_done")
                    }));
                    for v in [full_name, email, organisation, job_title] {
                        v.set(String::new());
                    }
                    changed.update(|n| *n += 1);
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <form class="form card" on:submit=submit novalidate aria-labelledby="enrol-title">
            <h3 id="enrol-title">{move || i.t(k!("tr.enrol_title"))}</h3>
            <p class="hint">{move || i.t(k!("tr.enrol_hint"))}</p>
            <FormStatus error=form_error />
            <TextField id="enrol-name" label=k!("tr.full_name") value=full_name error=field_error(err, "full_name") required=true />
            <TextField id="enrol-email" label=k!("tr.email") value=email error=field_error(err, "email") kind="email" required=true />
            <SelectField id="enrol-municipality" label=k!("tr.works_for") value=municipality options=options error=field_error(err, "municipality_id") required=officer />
            {(!officer).then(|| view! {
                <TextField id="enrol-organisation" label=k!("tr.other_organisation") value=organisation error=field_error(err, "organisation") />
            })}
            <TextField id="enrol-job" label=k!("tr.job_title") value=job_title error=field_error(err, "job_title") />
            <SelectField id="enrol-language" label=k!("tr.language") value=language options=languages />
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("tr.enrol"))}</button>
            </div>
        </form>
    }
}
