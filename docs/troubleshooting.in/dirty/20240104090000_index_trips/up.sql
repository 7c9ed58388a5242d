-- migrate:no-transaction
CREATE INDEX trips_destination ON trips (destination);
CREATE INDEX trips_starts_on ON trips (start_on);
