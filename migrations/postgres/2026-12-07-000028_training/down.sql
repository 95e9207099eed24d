DROP TABLE training_enrolments;
DROP TABLE training_participants;
DROP TABLE training_sessions;
DROP TABLE training_course_trainers;
DROP TABLE training_courses;
DROP TABLE training_topics;
