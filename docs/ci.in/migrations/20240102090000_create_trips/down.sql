DROP INDEX trips_owner_id;
DROP TABLE trips;
