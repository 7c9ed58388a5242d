-- The schema at head, written by `migrate snapshot` (or `migrate verify --update-snapshots`).
-- Do not edit: `migrate verify` fails when the migrations no longer produce exactly this.

CREATE SCHEMA public;
COMMENT ON SCHEMA public IS 'standard public schema';

CREATE TABLE public.categories (
    id integer NOT NULL,
    name text NOT NULL,
    CONSTRAINT categories_pkey PRIMARY KEY (id),
    CONSTRAINT categories_name_key UNIQUE (name)
);

CREATE TABLE public.packing_items (
    id integer NOT NULL,
    list_id integer NOT NULL,
    category_id integer,
    name text NOT NULL,
    quantity integer DEFAULT 1 NOT NULL,
    packed boolean DEFAULT false NOT NULL,
    CONSTRAINT packing_items_pkey PRIMARY KEY (id),
    CONSTRAINT packing_items_category_id_fkey FOREIGN KEY (category_id) REFERENCES public.categories (id) ON DELETE SET NULL,
    CONSTRAINT packing_items_list_id_fkey FOREIGN KEY (list_id) REFERENCES public.packing_lists (id) ON DELETE CASCADE,
    CONSTRAINT packing_items_quantity_check CHECK (quantity > 0)
);

CREATE INDEX packing_items_list_packed ON public.packing_items USING btree (list_id, packed);

CREATE TABLE public.packing_lists (
    id integer NOT NULL,
    trip_id integer NOT NULL,
    name text NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT packing_lists_pkey PRIMARY KEY (id),
    CONSTRAINT packing_lists_trip_id_name_key UNIQUE (trip_id, name),
    CONSTRAINT packing_lists_trip_id_fkey FOREIGN KEY (trip_id) REFERENCES public.trips (id) ON DELETE CASCADE
);

CREATE TABLE public.travelers (
    trip_id integer NOT NULL,
    user_id integer NOT NULL,
    role text DEFAULT 'guest'::text NOT NULL,
    CONSTRAINT travelers_pkey PRIMARY KEY (trip_id, user_id),
    CONSTRAINT travelers_trip_id_fkey FOREIGN KEY (trip_id) REFERENCES public.trips (id) ON DELETE CASCADE,
    CONSTRAINT travelers_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE,
    CONSTRAINT travelers_role_check CHECK (role = ANY (ARRAY['guest'::text, 'organizer'::text]))
);

CREATE TABLE public.trips (
    id integer NOT NULL,
    owner_id integer NOT NULL,
    title text NOT NULL,
    destination text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    CONSTRAINT trips_pkey PRIMARY KEY (id),
    CONSTRAINT trips_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users (id) ON DELETE CASCADE,
    CONSTRAINT trips_check CHECK (ends_on >= starts_on)
);

CREATE INDEX trips_owner_id ON public.trips USING btree (owner_id);

CREATE TABLE public.users (
    id integer NOT NULL,
    name text NOT NULL,
    email text NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    email_verified boolean DEFAULT false NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);
