-- Agent inventories: the current one per agent (the sentinel.agent.v1.Inventory message, protobuf bytes)
-- and every field change, newest first by (changed_at, change_id) for keyset paging.
-- Runs with search_path = asset, public.

CREATE TABLE inventories (
    agent_id     text COLLATE "C" PRIMARY KEY,
    inventory    bytea       NOT NULL,
    collected_at timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE inventory_changes (
    change_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id   text COLLATE "C" NOT NULL,
    changed_at timestamptz NOT NULL,
    path       text        NOT NULL,
    -- NULL when the element was added (old) or removed (new).
    old_value  text,
    new_value  text
);

CREATE INDEX inventory_changes_agent_newest ON inventory_changes (agent_id, changed_at DESC, change_id DESC);
