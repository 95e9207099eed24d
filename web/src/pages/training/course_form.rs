//! Planning a course: title, topic, description, organisation, trainers, target offices and the
//! attendance a certificate needs.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use lumit_shared::training::{Course, CoursePatch, NewCourse as NewCourseBody, OfficeKind, Topic};
use lumit_shared::user::Role;
use lumit_shared::FieldError;

use super::{load_topics, office_key};
use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, ErrorView, FormStatus, Loading, SelectField, TextAreaField,
    TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{use_i18n, Lang};

const PLANNERS: &[Role] = &[Role::Admin, Role::Coordinator];

/// A new course.
#[component]
pub fn NewCourse() -> impl IntoView {
    view! { <RoleGate roles=PLANNERS><CourseForm current=None /></RoleGate> }
}

/// Edits the course in the address.
#[component]
pub fn EditCourse() -> impl IntoView {
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move { api::training::course_tagged(&id).await }
    });
    view! {
        <RoleGate roles=PLANNERS>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Ok(found) => view! { <CourseForm current=Some(found) /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                })}
            </Suspense>
        </RoleGate>
    }
}

#[component]
fn CourseForm(current: Option<(Course, Option<String>)>) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let c = current.as_ref().map(|(c, _)| c.clone());
    let title = RwSignal::new(c.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let topic = RwSignal::new(c.as_ref().map(|c| c.topic_id.clone()).unwrap_or_default());
    let description = RwSignal::new(
        c.as_ref()
            .and_then(|c| c.description.clone())
            .unwrap_or_default(),
    );
    let organisation = RwSignal::new(
        c.as_ref()
            .map(|c| c.organisation.clone())
            .unwrap_or_else(|| "Scuola Superiore Sant'Anna".to_owned()),
    );
    let min_attendance = RwSignal::new(
        c.as_ref()
            .map(|c| c.min_attendance_percent)
            .unwrap_or(lumit_shared::training::DEFAULT_MIN_ATTENDANCE)
            .to_string(),
    );
    let trainers = RwSignal::new(
        c.as_ref()
            .map(|c| c.trainers.iter().map(|t| t.id.clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let offices = RwSignal::new(
        c.as_ref()
            .map(|c| c.target_offices.clone())
            .unwrap_or_default(),
    );
    let topics = load_topics();
    let accounts = LocalResource::new(|| async {
        api::users::active_with_role("trainer")
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    });
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let editing = current.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let min = match min_attendance.get_untracked().trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                err.set(Some(ApiError::invalid(vec![FieldError::new(
                    "min_attendance_percent",
                    "invalid_number",
                    "is not a whole number",
                )])));
                return;
            }
        };
        busy.set(true);
        let description = Some(description.get_untracked()).filter(|d| !d.trim().is_empty());
        let (editing, navigate) = (editing.clone(), navigate.clone());
        spawn_local(async move {
            let result = match &editing {
                None => {
                    let body = NewCourseBody {
                        title: title.get_untracked(),
                        topic_id: topic.get_untracked(),
                        description,
                        organisation: organisation.get_untracked(),
                        trainer_ids: trainers.get_untracked(),
                        target_offices: offices.get_untracked(),
                        min_attendance_percent: Some(min),
                    };
                    api::training::create_course(&body).await
                }
                Some((c, tag)) => {
                    let body = CoursePatch {
                        title: Some(title.get_untracked()),
                        topic_id: Some(topic.get_untracked()),
                        description: Some(description),
                        organisation: Some(organisation.get_untracked()),
                        trainer_ids: Some(trainers.get_untracked()),
                        target_offices: Some(offices.get_untracked()),
                        min_attendance_percent: Some(min),
                    };
                    api::training::update_course(&c.id, &body, tag.as_deref()).await
                }
            };
            busy.set(false);
            match result {
                Ok(c) => navigate(&format!("/training/courses/{}", c.id), Default::default()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let current_topic = c.as_ref().map(|c| c.topic_id.clone());
    let topic_options = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), i.t(k!("tr.choose_topic")).to_owned())];
        v.extend(
            topics
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|t: &Topic| t.active || Some(&t.id) == current_topic.as_ref())
                .map(|t| {
                    (
                        t.id,
                        if lang == Lang::It {
                            t.name_it
                        } else {
                            t.name_en
                        },
                    )
                }),
        );
        v
    });
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let trainers_error = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().and_then(|e| e.problem()).and_then(|p| {
                p.errors
                    .iter()
                    .find(|fe| fe.field.starts_with("trainer_ids"))
                    .map(|fe| fe.message.clone())
            })
        })
    });
    let back = match &current {
        Some((c, _)) => format!("/training/courses/{}", c.id),
        None => "/training".to_owned(),
    };
    let heading = if current.is_some() {
        k!("tr.edit_course")
    } else {
        k!("tr.new_course")
    };
    view! {
        <h1 tabindex="-1">{move || i.t(heading)}</h1>
        <form class="form" on:submit=submit novalidate>
            <FormStatus error=form_error />
            <TextField id="title" label=k!("tr.course_title") value=title error=field_error(err, "title") required=true />
            <SelectField id="topic" label=k!("tr.topic") value=topic options=topic_options error=field_error(err, "topic_id") required=true />
            <TextAreaField id="description" label=k!("tr.description") value=description error=field_error(err, "description") />
            <TextField id="organisation" label=k!("tr.organisation") value=organisation error=field_error(err, "organisation") required=true />
            <fieldset class="checks">
                <legend>{move || i.t(k!("tr.trainers"))}</legend>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || accounts.get().map(|list| if list.is_empty() {
                        view! { <p class="hint">{move || i.t(k!("tr.no_trainer_accounts"))}</p> }.into_any()
                    } else {
                        list.into_iter().map(|u| {
                            let id = format!("trainer-{}", u.id);
                            let uid = u.id.clone();
                            let uid2 = u.id.clone();
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=id.clone()
                                        prop:checked=move || trainers.with(|t| t.contains(&uid))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            trainers.update(|t| {
                                                t.retain(|x| x != &uid2);
                                                if on { t.push(uid2.clone()); }
                                            });
                                        } />
                                    <label for=id>{u.full_name.clone()}</label>
                                </div>
                            }
                        }).collect_view().into_any()
                    })}
                </Suspense>
                <p class="error" role="alert">{move || trainers_error.get()}</p>
            </fieldset>
            <fieldset class="checks">
                <legend>{move || i.t(k!("tr.target_offices"))}</legend>
                {OfficeKind::ALL.into_iter().map(|k| {
                    let id = format!("office-{}", k.as_str());
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone()
                                prop:checked=move || offices.with(|o| o.contains(&k))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    offices.update(|o| {
                                        o.retain(|x| *x != k);
                                        if on { o.push(k); }
                                    });
                                } />
                            <label for=id>{move || i.t(office_key(k))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <TextField id="min_attendance_percent" label=k!("tr.min_attendance") value=min_attendance error=field_error(err, "min_attendance_percent") kind="number" required=true />
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                <a href=back class="btn">{move || i.t(k!("app.cancel"))}</a>
            </div>
        </form>
    }
}
