DROP TABLE packing_lists;
