CREATE TABLE half_written (id bigint PRIMARY KEY);
INSERT INTO no_such_table VALUES (1);
