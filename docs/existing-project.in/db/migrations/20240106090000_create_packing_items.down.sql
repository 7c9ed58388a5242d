DROP TABLE packing_items;
