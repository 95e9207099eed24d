DROP TABLE request_steps;
DROP TABLE service_requests;
DROP TABLE request_counters;
DROP TABLE mediator_absences;
DROP TABLE mediator_windows;
DROP TABLE mediator_municipalities;
DROP TABLE mediator_languages;
DROP TABLE mediators;
