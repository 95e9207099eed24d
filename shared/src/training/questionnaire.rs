//! The questionnaire after a course: a personal, single-use link that needs no account and
//! expires after 60 days; the answers are kept without the participant's identity.

use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, Errors};
use crate::FieldError;

/// Days a questionnaire link stays valid.
pub const LINK_DAYS: i64 = 60;

/// What the link's page shows before the questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnaireInvite {
    /// The course.
    pub course_title: String,
    /// The organisation that gave it.
    pub organisation: String,
    /// The language of the participant's messages (`it`, `en`).
    pub language: super::MessageLanguage,
}

/// Body of `POST /api/v1/questionnaire/{token}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Overall satisfaction, 1 (poor) to 5 (excellent).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub satisfaction: i64,
    /// Useful for my work, 1 (not at all) to 5 (very).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub usefulness: i64,
    /// Would recommend the course to a colleague.
    pub recommend: bool,
    /// A free comment.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:text?:2000"))]
    pub comment: Option<String>,
}

/// Checked answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAnswers {
    /// 1–5.
    pub satisfaction: i64,
    /// 1–5.
    pub usefulness: i64,
    /// Yes or no.
    pub recommend: bool,
    /// Trimmed, if any.
    pub comment: Option<String>,
}

impl Answers {
    /// Checks the scores (1–5) and the comment (at most 2,000 characters, one paragraph or many).
    pub fn parse(&self) -> Result<ValidAnswers, Vec<FieldError>> {
        let mut e = Errors::default();
        for (field, v) in [
            ("satisfaction", self.satisfaction),
            ("usefulness", self.usefulness),
        ] {
            if !(1..=5).contains(&v) {
                e.add(field, "out_of_range", "must be from 1 to 5");
            }
        }
        let comment = match self.comment.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) if c.chars().count() > 2000 => {
                e.add("comment", "too_long", "must be at most 2000 characters");
                None
            }
            Some(c) => e
                .take(
                    "comment",
                    optional_text(Some(&c.replace(['\n', '\r', '\t'], " ")), 2000),
                )
                .flatten()
                .map(|_| c.to_owned()),
        };
        e.finish(|| ValidAnswers {
            satisfaction: self.satisfaction,
            usefulness: self.usefulness,
            recommend: self.recommend,
            comment,
        })
    }
}

/// A course's questionnaire results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// Links sent.
    pub sent: i64,
    /// Questionnaires answered.
    pub answered: i64,
    /// Average satisfaction (1–5), none before the first answer.
    pub satisfaction_average: Option<f64>,
    /// Average usefulness (1–5).
    pub usefulness_average: Option<f64>,
    /// Answers per satisfaction score, 1 to 5.
    pub satisfaction: [i64; 5],
    /// Answers per usefulness score, 1 to 5.
    pub usefulness: [i64; 5],
    /// Would recommend it.
    pub recommend_yes: i64,
    /// Would not.
    pub recommend_no: i64,
    /// The comments, in no particular order.
    pub comments: Vec<String>,
}

/// One stored answer: satisfaction, usefulness, recommend, comment.
pub type AnswerRow = (i64, i64, bool, Option<String>);

/// Results from the answers.
pub fn feedback(sent: i64, answers: &[AnswerRow]) -> Feedback {
    let n = answers.len() as i64;
    let avg = |f: fn(&AnswerRow) -> i64| {
        (n > 0).then(|| answers.iter().map(f).sum::<i64>() as f64 / n as f64)
    };
    let mut satisfaction = [0; 5];
    let mut usefulness = [0; 5];
    for a in answers {
        if let Ok(i) = usize::try_from(a.0 - 1) {
            if let Some(slot) = satisfaction.get_mut(i) {
                *slot += 1;
            }
        }
        if let Ok(i) = usize::try_from(a.1 - 1) {
            if let Some(slot) = usefulness.get_mut(i) {
                *slot += 1;
            }
        }
    }
    let yes = answers.iter().filter(|a| a.2).count() as i64;
    Feedback {
        sent,
        answered: n,
        satisfaction_average: avg(|a| a.0),
        usefulness_average: avg(|a| a.1),
        satisfaction,
        usefulness,
        recommend_yes: yes,
        recommend_no: n - yes,
        comments: answers.iter().filter_map(|a| a.3.clone()).collect(),
    }
}
