-- Who comes along on a trip, besides its owner.
CREATE TABLE travelers (
    trip_id INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'guest' CHECK (role IN ('guest', 'organizer')),
    PRIMARY KEY (trip_id, user_id)
);
