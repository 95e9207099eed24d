DROP TRIGGER api_clients_callers_changed ON api_clients;
DROP TRIGGER municipalities_callers_changed ON municipalities;
DROP TRIGGER user_municipalities_callers_changed ON user_municipalities;
DROP TRIGGER users_callers_changed ON users;
DROP FUNCTION notify_callers_changed();
