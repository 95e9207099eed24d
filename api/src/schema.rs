//! Diesel table definitions, one for both backends (see `migrations/`).

diesel::table! {
    municipalities (id) {
        id -> Text,
        name -> Text,
        name_folded -> Text,
        kind -> Text,
        istat_code -> Nullable<Text>,
        province_code -> Nullable<Text>,
        member_of_id -> Nullable<Text>,
        address -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    desks (id) {
        id -> Text,
        municipality_id -> Text,
        name -> Text,
        address -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        opening_hours -> Text,
        languages -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        username_lower -> Text,
        full_name -> Text,
        full_name_folded -> Text,
        email -> Nullable<Text>,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sessions_valid_after -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_pending_secret -> Nullable<Text>,
        totp_last_step -> BigInt,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_municipalities (user_id, municipality_id) {
        user_id -> Text,
        municipality_id -> Text,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        name -> Text,
        municipality_id -> Text,
        scopes -> Text,
        client_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        session_started_at -> Timestamp,
    }
}

diesel::table! {
    security_log (id) {
        id -> Text,
        at -> Timestamp,
        kind -> Text,
        user_id -> Nullable<Text>,
        account -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    case_event_edits (id) {
        id -> Text,
        event_id -> Text,
        case_id -> Text,
        note -> Text,
        edited_by_id -> Nullable<Text>,
        edited_by_name -> Nullable<Text>,
        edited_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        municipality_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        changes -> Text,
        prev_hash -> Text,
        hash -> Text,
        scheme -> Integer,
    }
}

diesel::table! {
    person_links (person_id, municipality_id) {
        person_id -> Text,
        municipality_id -> Text,
        reason -> Text,
        linked_by_id -> Text,
        linked_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        token -> Text,
        created_at -> Timestamp,
        committed -> Bool,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    access_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        person_id -> Nullable<Text>,
        municipality_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        subjects -> Nullable<Text>,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        first_name -> Text,
        last_name -> Text,
        name_key -> Text,
        search_text -> Text,
        sex -> Text,
        birth_date -> Nullable<Date>,
        birth_year -> Nullable<Integer>,
        country_of_birth -> Nullable<Text>,
        citizenship -> Nullable<Text>,
        languages -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        residence_municipality_id -> Nullable<Text>,
        tax_code -> Nullable<Text>,
        permit_type -> Nullable<Text>,
        permit_number -> Nullable<Text>,
        permit_expiry -> Nullable<Date>,
        notes -> Nullable<Text>,
        created_municipality_id -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        merged_into_id -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        case_id -> Text,
        office_kind -> Text,
        target_municipality_id -> Nullable<Text>,
        reason -> Text,
        follow_up_date -> Nullable<Date>,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_categories (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        name_it -> Text,
        name_en -> Text,
        checklist -> Text,
        retention_years -> Nullable<Integer>,
        active -> Bool,
        sort_order -> Integer,
    }
}

diesel::table! {
    case_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        reference -> Text,
        person_id -> Text,
        municipality_id -> Text,
        desk_id -> Nullable<Text>,
        category_id -> Text,
        subcategory_id -> Nullable<Text>,
        channel -> Text,
        priority -> Text,
        assigned_to_id -> Nullable<Text>,
        summary -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        language -> Nullable<Text>,
        mediator_present -> Bool,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        note -> Text,
        minutes -> Nullable<Integer>,
        data -> Text,
        author_id -> Nullable<Text>,
        author_name -> Nullable<Text>,
        at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mediators (id) {
        id -> Text,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        kind -> Text,
        organisation -> Nullable<Text>,
        travels -> Bool,
        active -> Bool,
        user_id -> Nullable<Text>,
        feed_token_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    mediator_languages (mediator_id, language) {
        mediator_id -> Text,
        language -> Text,
        level -> Text,
    }
}

diesel::table! {
    mediator_municipalities (mediator_id, municipality_id) {
        mediator_id -> Text,
        municipality_id -> Text,
    }
}

diesel::table! {
    mediator_windows (id) {
        id -> Text,
        mediator_id -> Text,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    mediator_absences (id) {
        id -> Text,
        mediator_id -> Text,
        from_date -> Date,
        to_date -> Date,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    request_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    service_requests (id) {
        id -> Text,
        reference -> Text,
        status -> Text,
        municipality_id -> Text,
        office -> Text,
        contact_name -> Text,
        details -> Text,
        kind -> Text,
        language -> Text,
        target_language -> Nullable<Text>,
        due_date -> Nullable<Date>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        duration_minutes -> Nullable<Integer>,
        remote -> Bool,
        purpose -> Text,
        urgency -> Text,
        case_id -> Nullable<Text>,
        case_municipality_id -> Nullable<Text>,
        mediator_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        actual_start -> Nullable<Timestamp>,
        actual_minutes -> Nullable<Integer>,
        outcome -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        cancelled_by -> Nullable<Text>,
        cancelled_late -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    request_steps (id) {
        id -> Text,
        request_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        mediator_name -> Nullable<Text>,
        late -> Bool,
        actor_id -> Nullable<Text>,
        actor_name -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    person_words (municipality_id, word, person_id) {
        municipality_id -> Text,
        word -> Text,
        person_id -> Text,
        last_name -> Text,
        search_text -> Text,
    }
}

diesel::joinable!(cases -> people (person_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(referrals -> cases (case_id));
diesel::joinable!(desks -> municipalities (municipality_id));
diesel::joinable!(user_municipalities -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(user_municipalities -> municipalities (municipality_id));
diesel::joinable!(api_clients -> municipalities (municipality_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(mediator_languages -> mediators (mediator_id));
diesel::joinable!(mediators -> users (user_id));
diesel::joinable!(mediator_municipalities -> mediators (mediator_id));
diesel::joinable!(service_requests -> municipalities (municipality_id));
diesel::joinable!(request_steps -> service_requests (request_id));

diesel::table! {
    training_topics (id) {
        id -> Text,
        name_it -> Text,
        name_en -> Text,
        active -> Bool,
        position -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_courses (id) {
        id -> Text,
        title -> Text,
        title_folded -> Text,
        topic_id -> Text,
        description -> Nullable<Text>,
        organisation -> Text,
        target_offices -> Text,
        min_attendance_percent -> BigInt,
        enrolment_changes -> BigInt,
        version -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_course_trainers (course_id, user_id) {
        course_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Text,
        course_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        place_kind -> Text,
        municipality_id -> Nullable<Text>,
        address -> Nullable<Text>,
        room -> Nullable<Text>,
        room_key -> Nullable<Text>,
        link -> Nullable<Text>,
        capacity -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_participants (id) {
        id -> Text,
        full_name -> Text,
        full_name_folded -> Text,
        email -> Text,
        email_lower -> Text,
        municipality_id -> Nullable<Text>,
        organisation -> Nullable<Text>,
        job_title -> Nullable<Text>,
        language -> Text,
        anonymised -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_enrolments (id) {
        id -> Text,
        course_id -> Text,
        participant_id -> Text,
        status -> Text,
        enrolled_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_attendance (session_id, enrolment_id) {
        session_id -> Text,
        enrolment_id -> Text,
        presence -> Text,
        minutes -> Nullable<BigInt>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        recipient_name -> Text,
        language -> Text,
        subject -> Text,
        body -> Text,
        attachments -> Text,
        participant_id -> Nullable<Text>,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_questionnaire_links (token_hash) {
        token_hash -> Text,
        course_id -> Text,
        enrolment_id -> Text,
        expires_at -> Timestamp,
        answered -> Bool,
    }
}

diesel::table! {
    training_answers (id) {
        id -> Text,
        course_id -> Text,
        satisfaction -> BigInt,
        usefulness -> BigInt,
        recommend -> Bool,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    training_certificates (id) {
        id -> Text,
        code -> Text,
        course_id -> Text,
        enrolment_id -> Text,
        participant_id -> Text,
        attended_minutes -> BigInt,
        planned_minutes -> BigInt,
        course_title -> Text,
        organisation -> Text,
        trainers -> Text,
        first_day -> Date,
        last_day -> Date,
        sessions -> BigInt,
        issued_at -> Timestamp,
        issued_by -> Nullable<Text>,
    }
}

diesel::joinable!(training_questionnaire_links -> training_courses (course_id));
diesel::joinable!(training_answers -> training_courses (course_id));
diesel::joinable!(training_certificates -> training_courses (course_id));
diesel::joinable!(training_certificates -> training_enrolments (enrolment_id));
diesel::joinable!(training_certificates -> training_participants (participant_id));
diesel::joinable!(training_attendance -> training_sessions (session_id));
diesel::joinable!(training_attendance -> training_enrolments (enrolment_id));
diesel::joinable!(training_courses -> training_topics (topic_id));
diesel::joinable!(training_course_trainers -> training_courses (course_id));
diesel::joinable!(training_course_trainers -> users (user_id));
diesel::joinable!(training_sessions -> training_courses (course_id));
diesel::joinable!(training_enrolments -> training_courses (course_id));
diesel::joinable!(training_enrolments -> training_participants (participant_id));

diesel::allow_tables_to_appear_in_same_query!(
    mediators,
    mediator_languages,
    mediator_municipalities,
    mediator_windows,
    mediator_absences,
    request_counters,
    service_requests,
    request_steps,
    municipalities,
    desks,
    users,
    recovery_codes,
    user_municipalities,
    api_clients,
    refresh_tokens,
    security_log,
    case_event_edits,
    audit_log,
    access_log,
    idempotency_keys,
    people,
    person_links,
    person_words,
    case_categories,
    case_counters,
    cases,
    case_events,
    referrals,
    training_topics,
    training_courses,
    training_course_trainers,
    training_sessions,
    training_participants,
    training_enrolments,
    training_attendance,
    outbox,
    training_questionnaire_links,
    training_answers,
    training_certificates,
);

diesel::table! {
    frozen_reports (id) {
        id -> Text,
        period_from -> Date,
        period_to -> Date,
        municipality_id -> Nullable<Text>,
        content -> Text,
        sha256 -> Text,
        frozen_by -> Text,
        frozen_by_name -> Text,
        frozen_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        api_client_id -> Nullable<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        seq -> BigInt,
        event_type -> Text,
        resource_id -> Text,
        payload -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_response_code -> Nullable<Integer>,
        last_latency_ms -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> api_clients (api_client_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, api_clients);
