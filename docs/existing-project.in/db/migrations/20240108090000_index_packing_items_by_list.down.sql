DROP INDEX packing_items_list_packed;
