CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

INSERT INTO categories (id, name) VALUES
    (1, 'Clothing'),
    (2, 'Toiletries'),
    (3, 'Documents'),
    (4, 'Electronics');
