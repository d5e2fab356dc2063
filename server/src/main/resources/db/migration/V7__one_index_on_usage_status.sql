-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- One index on usage_records' status instead of two: each settlement moves its record from 'open' to its end status,
-- so every index that holds status is rewritten at every commit of one. Status first, so the open records of a client
-- (each admission counts them) and of an instance (its restart closes them) are both a short range of this one.
-- A client's usage is still listed by an index, on columns a settlement never changes, so it costs writes only when
-- a record is opened.
CREATE INDEX usage_by_status_and_client ON usage_records (status, client_id);
CREATE INDEX usage_by_client_and_day ON usage_records (client_id, usage_day);
DROP INDEX usage_by_client_and_status;
DROP INDEX usage_by_instance_and_status;
