-- The last tick each periodic task (e.g. lease reaping) ran for: the replica whose conditional update moves it
-- forward runs that tick, the others skip it, so a task runs at most once per tick across replicas.
CREATE TABLE IF NOT EXISTS periodic_runs (name VARCHAR PRIMARY KEY, last_tick BIGINT NOT NULL);
