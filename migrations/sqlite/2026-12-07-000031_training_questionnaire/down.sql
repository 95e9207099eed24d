DROP TABLE training_answers;
DROP TABLE training_questionnaire_links;
