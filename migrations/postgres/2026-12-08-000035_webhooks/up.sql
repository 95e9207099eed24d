-- Webhooks (Standard Webhooks): URLs subscribed to events. An admin's subscription
-- (api_client_id NULL) hears of every municipality; an API client's only of its own (an Unione's:
-- its members too) and only of what its scopes let it read, checked again at every event.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- What the receiving end is; about the system, never about a person.
    description TEXT,
    -- Event types, separated by spaces: `case.created report.frozen`.
    event_types TEXT NOT NULL,
    api_client_id TEXT REFERENCES api_clients (id),
    -- The signing secret (`whsec_…`): kept as it is, since every delivery is signed with it.
    secret TEXT NOT NULL,
    -- The secret before the last rotation, still signing until `previous_secret_until`.
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Why LUMIT disabled it: 'gone' (the receiver answered 410).
    disabled_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_client_idx ON webhooks (api_client_id);

-- One row per event and subscription, written in the transaction of the change (with its audit
-- row: `seq` is the audit row's id, so it orders events as they committed). Payloads hold ids,
-- types and statuses only: anonymising a person has nothing to erase here.
CREATE TABLE webhook_deliveries (
    -- `msg_` + a UUID: the `webhook-id` header, the same on every attempt.
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    -- The body as sent (and signed), byte for byte.
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A server sending it holds it until then; a crashed server's claim runs out.
    locked_until TIMESTAMP,
    last_response_code INTEGER,
    last_latency_ms BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, id);
-- "Is an earlier delivery about the same record still on its way?"
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (webhook_id, resource_id, seq);
