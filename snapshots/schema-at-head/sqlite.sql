-- The schema at head, written by `migrate snapshot` (or `migrate verify --update-snapshots`).
-- Do not edit: `migrate verify` fails when the migrations no longer produce exactly this.

CREATE TABLE categories (
    id INTEGER,
    name TEXT NOT NULL,
    CONSTRAINT categories_pkey PRIMARY KEY (id),
    CONSTRAINT categories_name_key UNIQUE (name)
);

CREATE TABLE packing_items (
    id INTEGER,
    list_id INTEGER NOT NULL,
    category_id INTEGER,
    name TEXT NOT NULL,
    quantity INTEGER DEFAULT 1 NOT NULL,
    packed BOOLEAN DEFAULT false NOT NULL,
    CONSTRAINT packing_items_pkey PRIMARY KEY (id),
    CONSTRAINT packing_items_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL,
    CONSTRAINT packing_items_list_id_fkey FOREIGN KEY (list_id) REFERENCES packing_lists (id) ON DELETE CASCADE,
    CONSTRAINT packing_items_quantity_check CHECK (quantity > 0)
);

CREATE INDEX packing_items_list_packed ON packing_items (list_id, packed);

CREATE TABLE packing_lists (
    id INTEGER,
    trip_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT packing_lists_pkey PRIMARY KEY (id),
    CONSTRAINT packing_lists_trip_id_name_key UNIQUE (trip_id, name),
    CONSTRAINT packing_lists_trip_id_fkey FOREIGN KEY (trip_id) REFERENCES trips (id) ON DELETE CASCADE
);

CREATE TABLE travelers (
    trip_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    role TEXT DEFAULT 'guest' NOT NULL,
    CONSTRAINT travelers_pkey PRIMARY KEY (trip_id, user_id),
    CONSTRAINT travelers_trip_id_fkey FOREIGN KEY (trip_id) REFERENCES trips (id) ON DELETE CASCADE,
    CONSTRAINT travelers_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT travelers_role_check CHECK (role IN ('guest', 'organizer'))
);

CREATE TABLE trips (
    id INTEGER,
    owner_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    destination TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    CONSTRAINT trips_pkey PRIMARY KEY (id),
    CONSTRAINT trips_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT trips_check CHECK (ends_on >= starts_on)
);

CREATE INDEX trips_owner_id ON trips (owner_id);

CREATE TABLE users (
    id INTEGER,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
    email_verified BOOLEAN DEFAULT false NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);
