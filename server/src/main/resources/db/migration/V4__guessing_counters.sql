-- Portable SQL: the same migrations run on the embedded H2 file and on PostgreSQL.
-- Failed token requests in one-minute windows shared by every instance, per client id and per source address.
-- A client id's secret is checked only after an attempt was reserved here (checking goes up by one unless
-- failures + checking reached the limit), so a burst on any number of instances checks no more than the limit.
CREATE TABLE guessing_counters (
    counter_key   VARCHAR(300) NOT NULL,
    window_start  BIGINT       NOT NULL,
    -- attempts whose secret was wrong
    failures      BIGINT       NOT NULL,
    -- attempts reserved and being checked now
    checking      BIGINT       NOT NULL,
    PRIMARY KEY (counter_key, window_start)
);
