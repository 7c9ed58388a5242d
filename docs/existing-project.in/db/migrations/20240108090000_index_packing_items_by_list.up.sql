-- The packing screen lists a list's items, unpacked first.
CREATE INDEX packing_items_list_packed ON packing_items (list_id, packed);
