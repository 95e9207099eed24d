DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE api_clients;
DROP TABLE user_municipalities;
DROP TABLE users;
DROP TABLE desks;
DROP TABLE municipalities;
