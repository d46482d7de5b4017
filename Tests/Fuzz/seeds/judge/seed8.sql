INSERT INTO {prefix}pet_t (id) VALUES (5 --1
)