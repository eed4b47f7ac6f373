-- Archivist storage, version 1: per-server settings, answer feedback, questions that found
-- nothing. Written once for SQLite and PostgreSQL alike: integers are BIGINT (Discord ids,
-- Unix seconds, 0/1 flags), text is TEXT, keys are natural (no auto-increment). A user appears
-- only as `user_hash`, a keyed hash of their Discord id (src/storage/privacy.rs).
-- Never edit this file once it has shipped: add 0002_….sql instead.

-- One row per server (channel_id 0) and per channel that overrides it. NULL: not set here.
CREATE TABLE guild_settings (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    private    BIGINT,
    scope      TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

-- A 👍 or 👎 on one /ask answer message, one per person and message (pressing again changes it).
CREATE TABLE feedback (
    message_id    BIGINT NOT NULL,
    user_hash     TEXT NOT NULL,
    guild_id      BIGINT NOT NULL,
    vote          BIGINT NOT NULL,
    reason        TEXT,
    question      TEXT NOT NULL,
    normalized    TEXT NOT NULL,
    passages      TEXT NOT NULL,
    index_version TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_hash)
);
CREATE INDEX feedback_by_guild ON feedback (guild_id, updated_at);
CREATE INDEX feedback_by_user ON feedback (user_hash);

-- An /ask that found nothing, keyed by the interaction's id (a retried delivery is kept once).
CREATE TABLE unanswered (
    interaction_id BIGINT NOT NULL PRIMARY KEY,
    guild_id       BIGINT NOT NULL,
    user_hash      TEXT NOT NULL,
    question       TEXT NOT NULL,
    normalized     TEXT NOT NULL,
    index_version  TEXT NOT NULL,
    asked_at       BIGINT NOT NULL
);
CREATE INDEX unanswered_by_guild ON unanswered (guild_id, asked_at);
CREATE INDEX unanswered_by_user ON unanswered (user_hash);
