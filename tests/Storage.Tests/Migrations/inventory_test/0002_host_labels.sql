CREATE TABLE host_labels (host_id bigint NOT NULL REFERENCES hosts (id), key text NOT NULL, value text NOT NULL, PRIMARY KEY (host_id, key));
