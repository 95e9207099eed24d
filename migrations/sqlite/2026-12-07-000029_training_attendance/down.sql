DROP TABLE training_attendance;
