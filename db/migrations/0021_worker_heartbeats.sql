-- Each worker process says it is alive every few seconds. Readiness asks for a worker
-- seen in the last minute; `polku worker --check` asks for one on its own host.
CREATE TABLE worker_heartbeats (
    worker text PRIMARY KEY,  -- host name and process id, "host:pid"
    host text NOT NULL,
    started_at timestamptz NOT NULL,
    seen_at timestamptz NOT NULL
);
CREATE INDEX worker_heartbeats_seen ON worker_heartbeats (seen_at);

-- Readiness also asks whether every migration this code knows has been applied.
GRANT SELECT ON schema_migrations TO polku_app;
