CREATE TABLE hosts (id bigint PRIMARY KEY, name text NOT NULL);
