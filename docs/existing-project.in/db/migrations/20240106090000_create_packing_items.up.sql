CREATE TABLE packing_items (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES packing_lists (id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES categories (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    packed BOOLEAN NOT NULL DEFAULT FALSE
);
