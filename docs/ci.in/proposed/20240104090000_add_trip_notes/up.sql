ALTER TABLE trips ADD COLUMN notes TEXT;
CREATE INDEX trips_destination ON trips (destination);
