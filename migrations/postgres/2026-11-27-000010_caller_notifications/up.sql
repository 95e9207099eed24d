-- Every instance keeps a cache of who is calling (api/src/auth/callers.rs) and must drop it when
-- what a caller is made of changes: accounts, their municipalities, an Unione's members, API
-- clients. NOTIFY is sent when the transaction commits, never for one rolled back, and repeated
-- notifications of one transaction are folded into one.
CREATE FUNCTION notify_callers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lumit_callers', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER users_callers_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_callers_changed();
CREATE TRIGGER user_municipalities_callers_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_callers_changed();
CREATE TRIGGER municipalities_callers_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_callers_changed();
CREATE TRIGGER api_clients_callers_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_clients
    FOR EACH STATEMENT EXECUTE FUNCTION notify_callers_changed();
