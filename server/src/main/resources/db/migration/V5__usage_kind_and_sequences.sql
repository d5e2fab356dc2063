-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- What a usage record counts. kind: 'generation', or 'embeddings', whose input tokens are what the month's quota and
-- the rate window charge (it generates none). sequences: the choices a request generates at once (OpenAI's n), each
-- a stream against the client's concurrent_streams.
ALTER TABLE usage_records ADD COLUMN kind VARCHAR(16) DEFAULT 'generation' NOT NULL;
ALTER TABLE usage_records ADD COLUMN sequences INTEGER DEFAULT 1 NOT NULL;
