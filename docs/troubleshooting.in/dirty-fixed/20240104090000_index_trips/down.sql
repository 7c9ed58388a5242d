DROP INDEX trips_starts_on;
DROP INDEX trips_destination;
